#!/usr/bin/env bash
# Fail when the code can reach a known vulnerability: govulncheck (pinned as a Go tool in go.mod) against a
# copy of the Go vulnerability database built on this machine, so nothing but the Go module proxy is needed.
#
# The database is the OSV data of the golang.org/x/vulndb module at VULNDB_VERSION (the module proxy serves
# it like any module), indexed into the layout govulncheck reads with vulndb's own indexdb command, once per
# version, under .data/vulndb/. VULNDB_VERSION=latest takes the newest snapshot the proxy has; the default is
# pinned so that a run is reproducible: bump it to pick up new entries.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

: "${VULNDB_VERSION:=v0.0.0-20261105234957-e22db6528018}"
if [ "$VULNDB_VERSION" = latest ]; then
	VULNDB_VERSION=$(go list -m -f '{{.Version}}' golang.org/x/vulndb@latest)
fi

db=$ROOT/.data/vulndb/$VULNDB_VERSION
if [ ! -f "$db/index/modules.json" ]; then
	echo "vulncheck: building the vulnerability database of golang.org/x/vulndb@$VULNDB_VERSION in $db" >&2
	src=$(go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	if [ ! -d "$src/data/osv" ]; then
		echo "vulncheck: golang.org/x/vulndb@$VULNDB_VERSION has no data/osv directory" >&2
		exit 1
	fi
	rm -rf "$db.tmp"
	go run "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" -vulns "$src/data/osv" -out "$db.tmp"
	mv "$db.tmp" "$db"
fi

echo "vulncheck: $(go version | cut -d' ' -f3) against golang.org/x/vulndb@$VULNDB_VERSION" >&2
go tool govulncheck -db "file://$db" ./...
