#!/usr/bin/env bash
# Make npm available to the browser test that bundles the plausible-tracker package
# (e2e/tracker_npm_test.go runs npm ci and esbuild from the npm registry): reuse the npm on PATH, else
# install Debian's nodejs and npm packages with apt-get (as root), as scripts/browser.sh does for
# Chromium. Nothing is downloaded from anywhere but the system's package repositories.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA_DIR=$ROOT/.data
# shellcheck source=scripts/lib/apt.sh
source "$ROOT/scripts/lib/apt.sh"

log() { printf 'node: %s\n' "$*" >&2; }
die() { printf 'node: error: %s\n' "$*" >&2; exit 1; }

command -v npm >/dev/null 2>&1 && exit 0
log "npm is not installed; installing Debian's nodejs and npm packages with apt-get"
status=0
apt_install "$DATA_DIR/apt-npm.log" nodejs npm || status=$?
case $status in
  0) command -v npm >/dev/null 2>&1 || die "apt-get installed npm but it is not on PATH" ;;
  1) die "no npm found for the browser tests; install Node.js and npm (e.g. sudo apt-get install nodejs npm)" ;;
  *) die "apt-get install nodejs npm failed; see $DATA_DIR/apt-npm.log" ;;
esac
