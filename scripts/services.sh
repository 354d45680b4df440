#!/usr/bin/env bash
# Make the Postgres and Redis (and, with BROKER=kafka, the Kafka) that the
# pipeline needs reachable.
#
#   scripts/services.sh up     reuse what already answers at DATABASE_URL /
#                              REDIS_HOST:REDIS_PORT / KAFKA_BROKERS, else
#                              `docker compose up`, else start project-local
#                              instances in .data/ (for Kafka: the development
#                              Kafka-protocol server, cmd/kafkadev)
#   scripts/services.sh down   stop the project-local instances
#
# Variables come from the environment, then from .env, then the defaults below.
# SERVICES_TIMEOUT (seconds, default 60) bounds each wait.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=scripts/lib/env.sh
source "$ROOT/scripts/lib/env.sh"
# shellcheck source=scripts/lib/apt.sh
source "$ROOT/scripts/lib/apt.sh"
load_dotenv "$ROOT/.env"

: "${DATABASE_URL:=postgres://analytics:analytics@localhost:5432/analytics?sslmode=disable}"
: "${REDIS_HOST:=localhost}"
: "${REDIS_PORT:=6379}"
: "${SERVICES_TIMEOUT:=60}"
: "${BROKER:=redis}"
: "${KAFKA_BROKERS:=localhost:9092}"

DATA_DIR=$ROOT/.data
REDIS_DIR=$DATA_DIR/redis
PG_OS_USER=postgres # OS user that owns and runs a local Postgres when we are root

log() { printf '%s\n' "$*"; }
die() {
  printf 'services.sh: error: %s\n' "$*" >&2
  exit 1
}

is_local_host() {
  case $1 in
    localhost | 127.* | ::1) return 0 ;;
    *) return 1 ;;
  esac
}

# wait_until SECONDS COMMAND...: retry COMMAND every half second.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# A short, stable id for this checkout (used for paths outside the repo).
repo_hash() { printf '%s' "$ROOT" | sha256sum | cut -c1-12; }

pid_gone() { ! kill -0 "$1" 2>/dev/null; }

# tcp_open HOST PORT: something accepts TCP connections there.
tcp_open() {
  # shellcheck disable=SC2016 # expanded by the inner bash
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# ---------------------------------------------------------------- docker

docker_usable() {
  command -v docker >/dev/null 2>&1 || return 1
  [[ -n $(compose_file) ]] || return 1
  docker info >/dev/null 2>&1
}

compose_file() {
  local f
  for f in compose.yaml compose.yml docker-compose.yaml docker-compose.yml; do
    [[ -f $ROOT/$f ]] && { printf '%s\n' "$ROOT/$f"; return; }
  done
  return 0
}

docker_up() {
  (cd "$ROOT" && docker compose up -d "$1") >/dev/null ||
    die "\`docker compose up -d $1\` failed; see \`docker compose logs $1\`"
}

# -------------------------------------------------------------- postgres

url_decode() { printf '%b' "${1//%/\\x}"; }

# Sets PG_USER PG_PASSWORD PG_HOST PG_PORT PG_DB from DATABASE_URL.
parse_database_url() {
  local rest userinfo="" hostport
  [[ $DATABASE_URL =~ ^postgres(ql)?:// ]] ||
    die "DATABASE_URL must look like postgres://user:password@host:port/dbname (got '$DATABASE_URL')"
  rest=${DATABASE_URL#*://}
  rest=${rest%%\?*}
  PG_DB=""
  [[ $rest == */* ]] && PG_DB=${rest#*/}
  rest=${rest%%/*}
  hostport=$rest
  if [[ $rest == *@* ]]; then
    userinfo=${rest%@*}
    hostport=${rest##*@}
  fi
  PG_USER=$(url_decode "${userinfo%%:*}")
  PG_PASSWORD=""
  [[ $userinfo == *:* ]] && PG_PASSWORD=$(url_decode "${userinfo#*:}")
  if [[ $hostport =~ ^\[(.*)\](:([0-9]+))?$ ]]; then # [ipv6]:port
    PG_HOST=${BASH_REMATCH[1]}
    PG_PORT=${BASH_REMATCH[3]}
  else
    PG_HOST=${hostport%%:*}
    PG_PORT=""
    [[ $hostport == *:* ]] && PG_PORT=${hostport#*:}
  fi
  PG_HOST=${PG_HOST:-localhost}
  PG_PORT=${PG_PORT:-5432}
  PG_USER=${PG_USER:-postgres}
  PG_DB=$(url_decode "${PG_DB:-$PG_USER}")
}

# Directory holding initdb/pg_ctl/postgres/psql (Debian keeps them off PATH).
pg_bindir() {
  local p dirs
  if p=$(command -v pg_ctl 2>/dev/null) && [[ -x $(dirname "$(readlink -f "$p")")/initdb ]]; then
    dirname "$(readlink -f "$p")"
    return
  fi
  mapfile -t dirs < <(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V)
  ((${#dirs[@]})) || die "no PostgreSQL server binaries found (looked on PATH and in /usr/lib/postgresql/*/bin); install postgresql or set DATABASE_URL to a running server"
  printf '%s\n' "${dirs[-1]}"
}

pg_answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2
  else
    tcp_open "$PG_HOST" "$PG_PORT"
  fi
}

# as_pg COMMAND...: run as the OS user that owns the local cluster.
as_pg() {
  if ((EUID == 0)); then
    (cd / && runuser -u "$PG_OS_USER" -- "$@")
  else
    "$@"
  fi
}

# Where the local cluster lives: .data/postgres, or a /tmp fallback when we
# are root and the postgres user cannot traverse the repository path.
pg_dir() {
  local fallback
  fallback=/tmp/analytics-data-$(repo_hash)/postgres
  if [[ -d $DATA_DIR/postgres ]]; then
    printf '%s\n' "$DATA_DIR/postgres"
  elif [[ -d $fallback ]]; then
    printf '%s\n' "$fallback"
  elif ((EUID == 0)) && ! runuser -u "$PG_OS_USER" -- test -x "$DATA_DIR"; then
    printf '%s\n' "$fallback"
  else
    printf '%s\n' "$DATA_DIR/postgres"
  fi
}

pg_running_locally() {
  local dir bin
  dir=$(pg_dir)
  [[ -f $dir/pgdata/PG_VERSION ]] || return 1
  bin=$(pg_bindir)
  as_pg "$bin/pg_ctl" -D "$dir/pgdata" status >/dev/null 2>&1
}

# The local cluster is the one serving the configured port (line 4 of
# postmaster.pid is the port).
pg_local_serves_port() {
  local port
  pg_running_locally || return 1
  port=$(sed -n 4p "$(pg_dir)/pgdata/postmaster.pid" 2>/dev/null)
  [[ $port == "$PG_PORT" ]]
}

pg_start_local() {
  local bin dir pgdata sock auth_host
  is_local_host "$PG_HOST" ||
    die "Postgres at $PG_HOST:$PG_PORT does not answer and is not on this machine; start it or point DATABASE_URL elsewhere"
  bin=$(pg_bindir)
  if ((EUID == 0)); then
    id "$PG_OS_USER" >/dev/null 2>&1 ||
      die "Postgres refuses to run as root and there is no '$PG_OS_USER' user; create it (useradd --system $PG_OS_USER) or run as a normal user"
  fi

  mkdir -p "$DATA_DIR"
  dir=$(pg_dir)
  pgdata=$dir/pgdata
  sock=$dir/run
  if [[ $dir != "$DATA_DIR"/* ]]; then
    log "postgres: $DATA_DIR is not reachable by the '$PG_OS_USER' user; keeping the cluster in $dir"
  fi
  # Unix socket paths are limited to ~107 bytes.
  ((${#sock} <= 90)) || sock=/tmp/analytics-pg-run-$(repo_hash)
  mkdir -p "$dir" "$sock"
  if ((EUID == 0)); then
    chown "$PG_OS_USER:" "$dir" "$sock"
  fi

  if [[ ! -f $pgdata/PG_VERSION ]]; then
    auth_host=scram-sha-256
    [[ -n $PG_PASSWORD ]] || auth_host=trust
    as_pg "$bin/initdb" -D "$pgdata" -U postgres -E UTF8 --no-locale \
      --auth-local=trust --auth-host="$auth_host" >"$dir/initdb.log" 2>&1 ||
      die "initdb failed; see $dir/initdb.log"
  fi

  if as_pg "$bin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    die "the local Postgres ($pgdata) is running but does not answer at $PG_HOST:$PG_PORT (started with other settings?); run \`scripts/services.sh down\` and try again"
  fi
  as_pg "$bin/pg_ctl" -D "$pgdata" -l "$dir/postgres.log" -w -t "$SERVICES_TIMEOUT" \
    -o "-c listen_addresses='$PG_HOST' -p $PG_PORT -k '$sock' -c max_connections=200" \
    start >/dev/null ||
    die "Postgres did not start; see $dir/postgres.log (is port $PG_PORT taken? then pick another port in DATABASE_URL)"
  wait_until "$SERVICES_TIMEOUT" pg_answers ||
    die "Postgres started but does not answer at $PG_HOST:$PG_PORT after ${SERVICES_TIMEOUT}s; see $dir/postgres.log"

  pg_ensure_role_and_db "$bin" "$sock"
  log "postgres: started locally at $PG_HOST:$PG_PORT (data: $pgdata, log: $dir/postgres.log)"
}

# Create (or update) the login role and database named in DATABASE_URL.
# The role is a superuser because the tests create databases.
pg_ensure_role_and_db() {
  local bin=$1 sock=$2 sql
  sql=$(
    cat <<'SQL'
SELECT format(CASE WHEN EXISTS (SELECT FROM pg_roles WHERE rolname = :'role')
                   THEN 'ALTER ROLE %I LOGIN SUPERUSER PASSWORD %L'
                   ELSE 'CREATE ROLE %I LOGIN SUPERUSER PASSWORD %L' END,
              :'role', NULLIF(:'pass', '')) \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
  )
  as_pg "$bin/psql" -h "$sock" -p "$PG_PORT" -U postgres -d postgres -qAtX \
    -v ON_ERROR_STOP=1 -v role="$PG_USER" -v pass="$PG_PASSWORD" -v db="$PG_DB" \
    <<<"$sql" >/dev/null ||
    die "could not create role '$PG_USER' / database '$PG_DB'"
}

pg_up() {
  parse_database_url
  if pg_answers; then
    if is_local_host "$PG_HOST" && pg_local_serves_port; then
      log "postgres: reused project-local instance at $PG_HOST:$PG_PORT"
    else
      log "postgres: reused the server already answering at $PG_HOST:$PG_PORT"
    fi
  elif is_local_host "$PG_HOST" && docker_usable; then
    docker_up postgres
    wait_until "$SERVICES_TIMEOUT" pg_answers ||
      die "Postgres from docker compose does not answer at $PG_HOST:$PG_PORT after ${SERVICES_TIMEOUT}s; check \`docker compose logs postgres\`"
    log "postgres: started via docker compose at $PG_HOST:$PG_PORT"
  else
    pg_start_local
  fi
}

pg_down() {
  local dir bin
  dir=$(pg_dir)
  if [[ -f $dir/pgdata/PG_VERSION ]] && pg_running_locally; then
    bin=$(pg_bindir)
    as_pg "$bin/pg_ctl" -D "$dir/pgdata" -m fast -w stop >/dev/null
    log "postgres: stopped local instance ($dir/pgdata)"
  else
    log "postgres: no local instance running"
  fi
}

# ----------------------------------------------------------------- redis

redis_answers() {
  if command -v redis-cli >/dev/null 2>&1; then
    [[ $(timeout 3 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]]
  else
    # shellcheck disable=SC2016 # expanded by the inner bash
    timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "PING\r\n" >&3 &&
      IFS= read -r reply <&3 && [[ $reply == +PONG* ]]' _ "$REDIS_HOST" "$REDIS_PORT" 2>/dev/null
  fi
}

# Prints the pid of the local redis-server if it is running.
redis_local_pid() {
  local pid
  [[ -f $REDIS_DIR/redis.pid ]] || return 1
  pid=$(<"$REDIS_DIR/redis.pid")
  [[ $pid =~ ^[0-9]+$ ]] && grep -q redis-server "/proc/$pid/cmdline" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

# The local redis-server is the one configured by REDIS_HOST/REDIS_PORT.
redis_local_serves_port() {
  redis_local_pid >/dev/null || return 1
  [[ $(<"$REDIS_DIR/address") == "$REDIS_HOST $REDIS_PORT" ]]
}

redis_install() {
  command -v redis-server >/dev/null 2>&1 && return
  log "redis: redis-server is not installed; installing it with apt-get"
  local status=0
  apt_install "$DATA_DIR/apt-redis.log" redis-server || status=$?
  case $status in
    0) ;;
    1) die "redis-server is not installed; install it (e.g. sudo apt-get install redis-server) or point REDIS_HOST/REDIS_PORT at a running Redis" ;;
    *) die "apt-get install redis-server failed; see $DATA_DIR/apt-redis.log" ;;
  esac
}

redis_start_local() {
  local bind
  is_local_host "$REDIS_HOST" ||
    die "Redis at $REDIS_HOST:$REDIS_PORT does not answer and is not on this machine; start it or change REDIS_HOST/REDIS_PORT"
  mkdir -p "$REDIS_DIR"
  redis_install
  # The package may have started a system Redis on our port.
  if redis_answers; then
    log "redis: reused the server already answering at $REDIS_HOST:$REDIS_PORT (started by the package install)"
    return
  fi
  if redis_local_pid >/dev/null; then
    die "the local Redis ($REDIS_DIR) is running but does not answer at $REDIS_HOST:$REDIS_PORT; run \`scripts/services.sh down\` and try again"
  fi

  bind=$REDIS_HOST
  [[ $REDIS_HOST == localhost ]] && bind="127.0.0.1 -::1"
  redis-server --port "$REDIS_PORT" --bind "$bind" \
    --appendonly yes --appendfsync everysec --dir "$REDIS_DIR" \
    --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" ||
    die "redis-server failed to start; see $REDIS_DIR/redis.log"
  printf '%s %s\n' "$REDIS_HOST" "$REDIS_PORT" >"$REDIS_DIR/address"
  redis_wait_started ||
    die "Redis does not answer at $REDIS_HOST:$REDIS_PORT; see $REDIS_DIR/redis.log (is port $REDIS_PORT taken? then pick another REDIS_PORT)"
  log "redis: started locally at $REDIS_HOST:$REDIS_PORT (data: $REDIS_DIR, log: $REDIS_DIR/redis.log)"
}

# Wait for the daemonised redis-server to answer; give up early if it exited
# (it does so right away when it cannot bind the port).
redis_wait_started() {
  local deadline=$((SECONDS + SERVICES_TIMEOUT)) grace=$((SECONDS + 3))
  until redis_answers; do
    ((SECONDS < deadline)) || return 1
    ((SECONDS < grace)) || redis_local_pid >/dev/null || return 1
    sleep 0.5
  done
}

redis_up() {
  if redis_answers; then
    if redis_local_serves_port; then
      log "redis: reused project-local instance at $REDIS_HOST:$REDIS_PORT"
    else
      log "redis: reused the server already answering at $REDIS_HOST:$REDIS_PORT"
    fi
  elif is_local_host "$REDIS_HOST" && docker_usable; then
    docker_up redis
    wait_until "$SERVICES_TIMEOUT" redis_answers ||
      die "Redis from docker compose does not answer at $REDIS_HOST:$REDIS_PORT after ${SERVICES_TIMEOUT}s; check \`docker compose logs redis\`"
    log "redis: started via docker compose at $REDIS_HOST:$REDIS_PORT"
  else
    redis_start_local
  fi
}

# Stops the Redis started from .data/redis, using the address it was started
# with (not the current REDIS_PORT), so another Redis is never shut down.
redis_down() {
  local pid host port
  if ! pid=$(redis_local_pid); then
    log "redis: no local instance running"
    return
  fi
  read -r host port <"$REDIS_DIR/address"
  if ! command -v redis-cli >/dev/null 2>&1 ||
    ! redis-cli -h "$host" -p "$port" shutdown >/dev/null 2>&1; then
    kill -TERM "$pid" # redis-server saves and exits on SIGTERM
  fi
  wait_until "$SERVICES_TIMEOUT" pid_gone "$pid" ||
    die "Redis (pid $pid) did not stop within ${SERVICES_TIMEOUT}s"
  log "redis: stopped local instance ($REDIS_DIR)"
}

# ----------------------------------------------------------------- kafka

KAFKADEV_DIR=$DATA_DIR/kafkadev

# Sets KAFKA_HOST KAFKA_PORT from the first address of KAFKA_BROKERS.
parse_kafka_brokers() {
  local first=${KAFKA_BROKERS%%,*}
  KAFKA_HOST=${first%:*}
  KAFKA_PORT=${first##*:}
  KAFKA_HOST=${KAFKA_HOST#[}
  KAFKA_HOST=${KAFKA_HOST%]}
  [[ $KAFKA_PORT =~ ^[0-9]+$ ]] || die "KAFKA_BROKERS must be host:port[,host:port...] (got '$KAFKA_BROKERS')"
}

kafka_answers() { tcp_open "$KAFKA_HOST" "$KAFKA_PORT"; }

# Prints the pid of the development Kafka server if it is running.
kafkadev_pid() {
  local pid
  [[ -f $KAFKADEV_DIR/kafkadev.pid ]] || return 1
  pid=$(<"$KAFKADEV_DIR/kafkadev.pid")
  [[ $pid =~ ^[0-9]+$ ]] && grep -q kafkadev "/proc/$pid/cmdline" 2>/dev/null || return 1
  printf '%s\n' "$pid"
}

# Start cmd/kafkadev (franz-go's kfake) in the background on KAFKA_BROKERS'
# port. It keeps its data in .data/kafkadev/data across restarts.
kafkadev_start() {
  is_local_host "$KAFKA_HOST" ||
    die "Kafka at $KAFKA_HOST:$KAFKA_PORT does not answer and is not on this machine; start it or change KAFKA_BROKERS"
  mkdir -p "$KAFKADEV_DIR"
  (cd "$ROOT" && go build -o "$KAFKADEV_DIR/kafkadev" ./cmd/kafkadev) ||
    die "could not build cmd/kafkadev"
  KAFKADEV_DATA_DIR=${KAFKADEV_DATA_DIR:-$KAFKADEV_DIR/data} \
    setsid "$KAFKADEV_DIR/kafkadev" </dev/null >"$KAFKADEV_DIR/kafkadev.log" 2>&1 &
  printf '%s\n' "$!" >"$KAFKADEV_DIR/kafkadev.pid"
  wait_until "$SERVICES_TIMEOUT" kafka_answers ||
    die "the development Kafka server does not answer at $KAFKA_HOST:$KAFKA_PORT; see $KAFKADEV_DIR/kafkadev.log (is port $KAFKA_PORT taken?)"
  log "kafka: nothing answered at $KAFKA_HOST:$KAFKA_PORT, so started the DEVELOPMENT Kafka-protocol server there"
  log "kafka:   (franz-go's kfake via cmd/kafkadev, pid $(<"$KAFKADEV_DIR/kafkadev.pid"), log: $KAFKADEV_DIR/kafkadev.log); not for production"
}

kafka_up() {
  parse_kafka_brokers
  if kafka_answers; then
    if kafkadev_pid >/dev/null; then
      log "kafka: reused the development Kafka server (cmd/kafkadev) at $KAFKA_HOST:$KAFKA_PORT"
    else
      log "kafka: reused the server already answering at $KAFKA_HOST:$KAFKA_PORT"
    fi
  elif is_local_host "$KAFKA_HOST" && docker_usable; then
    (cd "$ROOT" && docker compose --profile kafka up -d kafka) >/dev/null ||
      die "\`docker compose --profile kafka up -d kafka\` failed; see \`docker compose logs kafka\`"
    wait_until "$SERVICES_TIMEOUT" kafka_answers ||
      die "Kafka from docker compose does not answer at $KAFKA_HOST:$KAFKA_PORT after ${SERVICES_TIMEOUT}s; check \`docker compose logs kafka\`"
    log "kafka: started via docker compose (profile kafka) at $KAFKA_HOST:$KAFKA_PORT"
  else
    kafkadev_start
  fi
}

kafka_down() {
  local pid
  if ! pid=$(kafkadev_pid); then
    log "kafka: no development server running"
    return
  fi
  kill -TERM "$pid"
  wait_until "$SERVICES_TIMEOUT" pid_gone "$pid" ||
    die "the development Kafka server (pid $pid) did not stop within ${SERVICES_TIMEOUT}s"
  log "kafka: stopped the development server"
}

# ------------------------------------------------------------------ main

usage() {
  printf 'usage: %s up|down\n' "$0" >&2
  exit 2
}

main() {
  (($# == 1)) || usage
  case $1 in
    up)
      pg_up
      redis_up
      [[ $BROKER != kafka ]] || kafka_up
      ;;
    down)
      pg_down
      redis_down
      kafka_down
      ;;
    *) usage ;;
  esac
}

main "$@"
