#!/usr/bin/env bash
# Make a headless-capable Chromium available to the browser tests (internal/browsertest): reuse
# $CHROMIUM_PATH or a chromium/chromium-browser/google-chrome on PATH, else install Debian's `chromium`
# package with apt-get (as root), as scripts/services.sh does for redis-server. Nothing is downloaded
# from anywhere but the system's package repositories.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA_DIR=$ROOT/.data
# shellcheck source=scripts/lib/apt.sh
source "$ROOT/scripts/lib/apt.sh"

log() { printf 'browser: %s\n' "$*" >&2; }
die() { printf 'browser: error: %s\n' "$*" >&2; exit 1; }

if [[ -n ${CHROMIUM_PATH:-} ]]; then
  [[ -x $CHROMIUM_PATH ]] || die "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable"
  exit 0
fi
for name in chromium chromium-browser google-chrome google-chrome-stable; do
  command -v "$name" >/dev/null 2>&1 && exit 0
done
log "chromium is not installed; installing Debian's chromium package with apt-get (a minute or two)"
status=0
apt_install "$DATA_DIR/apt-chromium.log" chromium || status=$?
case $status in
  0) command -v chromium >/dev/null 2>&1 || die "apt-get installed chromium but it is not on PATH" ;;
  1) die "no Chromium found for the browser tests; install it (e.g. sudo apt-get install chromium) or set CHROMIUM_PATH" ;;
  *) die "apt-get install chromium failed; see $DATA_DIR/apt-chromium.log" ;;
esac
