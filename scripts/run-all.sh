#!/usr/bin/env bash
# Apply the migrations with bin/migrate, then run bin/ingestion, bin/processor
# and bin/reporting in the foreground (with BROKER=memory, bin/analytics, which
# runs all three in one process: an in-process broker cannot be shared between
# processes). The services only check the schema; they do not migrate.
# SIGINT/SIGTERM is forwarded to all; if one exits on its own, the
# others are stopped and the script fails. Build first: go build -o bin/ ./cmd/...
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/env.sh
source "$ROOT/scripts/lib/env.sh"
load_dotenv "$ROOT/.env"

: "${INGESTION_PORT:=3000}"
: "${REPORTING_PORT:=3001}"
: "${BIN_DIR:=$ROOT/bin}"
SERVICES=(ingestion processor reporting)
[[ ${BROKER:-redis} != memory ]] || SERVICES=(analytics)

declare -A running=() # pid -> service name
stopping=""
status=0
watchdog=""

# Seconds to wait after forwarding a signal before SIGKILL: the services'
# own SHUTDOWN_TIMEOUT (whole seconds or minutes only) plus some slack.
kill_after() {
  local t=${SHUTDOWN_TIMEOUT:-15s}
  if [[ $t =~ ^([0-9]+)s$ ]]; then
    echo $((BASH_REMATCH[1] + 10))
  elif [[ $t =~ ^([0-9]+)m$ ]]; then
    echo $((BASH_REMATCH[1] * 60 + 10))
  else
    echo 30
  fi
}

# stop_all SIGNAL: ask every running service to stop, and SIGKILL whatever
# is left after kill_after seconds.
stop_all() {
  local pid secs
  [[ -z $stopping ]] || return 0
  stopping=$1
  for pid in "${!running[@]}"; do
    kill -s "$1" "$pid" 2>/dev/null || true
  done
  secs=$(kill_after)
  (
    trap 'kill $! 2>/dev/null; exit 0' TERM
    sleep "$secs" &
    wait $!
    echo "run-all: services still running after ${secs}s; killing them" >&2
    kill -KILL "${!running[@]}" 2>/dev/null
  ) &
  watchdog=$!
}

on_signal() {
  echo "run-all: received SIG$1, stopping services"
  stop_all "$1"
}

for name in migrate "${SERVICES[@]}"; do
  [[ -x $BIN_DIR/$name ]] || {
    echo "run-all: $BIN_DIR/$name not found; build first: go build -o bin/ ./cmd/..." >&2
    exit 1
  }
done

"$BIN_DIR/migrate" </dev/null || {
  echo "run-all: migrate failed (see its message above); not starting the services" >&2
  exit 1
}

trap 'on_signal INT' INT
trap 'on_signal TERM' TERM

# Job control puts every service in its own process group, so a Ctrl-C in
# the terminal reaches this script only and each service gets exactly one
# forwarded signal.
set -m
for name in "${SERVICES[@]}"; do
  "$BIN_DIR/$name" </dev/null &
  running[$!]=$name
done
set +m
if [[ -n $stopping ]]; then # a signal arrived while starting
  kill -s "$stopping" "${!running[@]}" 2>/dev/null || true
fi

echo "run-all: ingestion http://localhost:$INGESTION_PORT/event"
echo "run-all: reporting http://localhost:$REPORTING_PORT/stats"
echo "run-all: dashboard http://localhost:$REPORTING_PORT/?site=YOUR_SITE_ID (sign in with a key: go run ./cmd/admin keys create)"
echo "run-all: add to your site: <script defer data-domain=\"YOUR_SITE_ID\" src=\"http://localhost:$INGESTION_PORT/js/script.js\"></script>"
echo "run-all: broker ${BROKER:-redis}; processor running; press Ctrl-C to stop ${SERVICES[*]}"

while ((${#running[@]})); do
  pid=""
  rc=0
  wait -n -p pid "${!running[@]}" || rc=$?
  [[ -n ${pid:-} ]] || continue # interrupted by a trapped signal
  name=${running[$pid]}
  unset "running[$pid]"
  if [[ -n $stopping ]]; then
    ((rc == 0)) || echo "run-all: $name exited with status $rc during shutdown" >&2
    ((rc == 0)) || status=$rc
  else
    echo "run-all: $name exited unexpectedly with status $rc; stopping the others" >&2
    status=$((rc == 0 ? 1 : rc))
    stop_all TERM
  fi
done

[[ -z $watchdog ]] || kill "$watchdog" 2>/dev/null || true
exit "$status"
