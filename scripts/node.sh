#!/usr/bin/env bash
# Make npm available to the browser test that bundles the plausible-tracker package
# (e2e/tracker_npm_test.go runs npm ci and esbuild from the npm registry): reuse the npm on PATH, else
# install Debian's nodejs and npm packages with apt-get (as root), as scripts/browser.sh does for
# Chromium. Nothing is downloaded from anywhere but the system's package repositories.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA_DIR=$ROOT/.data

log() { printf 'node: %s\n' "$*" >&2; }
die() { printf 'node: error: %s\n' "$*" >&2; exit 1; }

command -v npm >/dev/null 2>&1 && exit 0
if ((EUID == 0)) && command -v apt-get >/dev/null 2>&1; then
  mkdir -p "$DATA_DIR"
  log "npm is not installed; installing Debian's nodejs and npm packages with apt-get"
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
  } >"$DATA_DIR/apt-npm.log" 2>&1 || die "apt-get install nodejs npm failed; see $DATA_DIR/apt-npm.log"
  command -v npm >/dev/null 2>&1 || die "apt-get installed npm but it is not on PATH"
else
  die "no npm found for the browser tests; install Node.js and npm (e.g. sudo apt-get install nodejs npm)"
fi
