#!/usr/bin/env bash
# tools/pg-cluster.sh — a private, throw-away PostgreSQL cluster for the tests
# and the benchmarks.
#
#   tools/pg-cluster.sh start DIR [--bench]
#                                   make a cluster in DIR (which must not exist
#                                   or be empty), start it, and print lines to
#                                   eval:  export LOTSE_TEST_PG_HOST=DIR
#                                          export LOTSE_TEST_PG_PORT=PORT
#                                          export LOTSE_TEST_PG_USER=lotse
#   tools/pg-cluster.sh stop DIR    stop it (immediate shutdown) and remove DIR;
#                                   a DIR that does not run, or does not exist,
#                                   is just removed
#
# The server listens only on a unix socket in DIR (no TCP at all) and trusts
# the superuser "lotse" without a password. It needs no system service and
# never touches /var/lib/postgresql, /etc/postgresql, port 5432 or the
# postgresql systemd units.
#
# Without --bench the cluster trades durability for speed (fsync=off and
# friends): for tests only. With --bench it is durable and tuned for the
# benchmarks (bench/run.sh --db postgresql); the reasons are at bench_settings
# below and in docs/performance.md.
#
# As root, everything that runs a PostgreSQL program (initdb, pg_ctl,
# postgres) runs as the unprivileged user "nobody", which then owns DIR;
# DIR gets mode 0755 and every folder above it must be traversable by
# "nobody" (a `mktemp -d` folder under /tmp is fine). As an ordinary user,
# they run as that user.
set -euo pipefail

readonly PROG=${0##*/}
readonly MARKER=.lotse-pg-cluster   # what says "stop may remove this folder"
readonly RUN_AS_ROOT_USER=nobody

die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
note() { printf '%s: %s\n' "$PROG" "$*" >&2; }

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# as_pg CMD...: run CMD as the user that owns the cluster, from DIR (so that
# a current folder the user may not enter does not matter).
PG_USER=''
as_pg() {
  if [ -n "$PG_USER" ]; then
    (cd "$DIR" && runuser -u "$PG_USER" -- "$@")
  else
    (cd "$DIR" && "$@")
  fi
}

find_bindir() {
  local d best=''
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir 2>/dev/null || true)
    if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
      printf '%s\n' "$d"
      return 0
    fi
  fi
  # the newest /usr/lib/postgresql/VERSION/bin (Debian keeps the server there)
  best=$(for d in /usr/lib/postgresql/*/bin; do
           [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && printf '%s\n' "$d"
         done | sort -V | tail -n 1)
  [ -n "$best" ] || return 1
  printf '%s\n' "$best"
}

free_port() {  # a TCP port nothing listens on (only the socket file's name here)
  local p
  if command -v python3 >/dev/null 2>&1 &&
     p=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' 2>/dev/null) && [ -n "$p" ] && [ "$p" != 5432 ]; then
    printf '%s\n' "$p"
    return 0
  fi
  command -v ss >/dev/null 2>&1 || return 1
  local used
  used=$(ss -Htanl 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }')
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 10000))
    if ! printf '%s\n' "$used" | grep -qx "$p"; then
      printf '%s\n' "$p"
      return 0
    fi
  done
  return 1
}

have_c_utf8() {
  locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'
}

# the postmaster's pid from DIR/data/postmaster.pid, if that process is a
# postgres of this very data folder
running_pid() {
  local pidfile="$DIR/data/postmaster.pid" pid
  [ -r "$pidfile" ] || return 1
  pid=$(head -n 1 "$pidfile" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DIR/data" || return 1
  printf '%s\n' "$pid"
}

# shut down whatever runs in DIR/data; succeed when nothing runs afterwards
shutdown_cluster() {
  local pid bindir owner
  pid=$(running_pid) || return 0
  bindir=$(find_bindir) || bindir=''
  owner=$(stat -c %U "$DIR/data")
  if [ "$(id -u)" -eq 0 ] && [ "$owner" != root ]; then PG_USER=$owner; else PG_USER=''; fi
  if [ -n "$bindir" ]; then
    as_pg "$bindir/pg_ctl" -D "$DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  # pg_ctl could not do it (no binaries, a stale folder): the postmaster's own
  # pid, checked above to be this cluster's, gets SIGQUIT (immediate shutdown)
  local i
  for i in $(seq 1 100); do
    pid=$(running_pid) || return 0
    if [ "$i" -eq 1 ]; then kill -QUIT "$pid" 2>/dev/null || true; fi
    sleep 0.1
  done
  running_pid >/dev/null && return 1
  return 0
}

remove_dir() {
  [ -e "$DIR" ] || return 0
  if [ -n "$(ls -A "$DIR" 2>/dev/null)" ] && [ ! -e "$DIR/$MARKER" ]; then
    die "$DIR was not made by $PROG (no $MARKER in it); not removing it"
  fi
  rm -rf -- "$DIR"
  [ ! -e "$DIR" ] || die "could not remove $DIR"
}

cmd_stop() {
  [ -e "$DIR" ] || return 0
  [ -d "$DIR" ] || die "$DIR is not a folder"
  if [ -n "$(ls -A "$DIR" 2>/dev/null)" ] && [ ! -e "$DIR/$MARKER" ]; then
    die "$DIR was not made by $PROG (no $MARKER in it); not touching it"
  fi
  shutdown_cluster || die "the server in $DIR/data does not stop (see $DIR/postgresql.log)"
  remove_dir
}

# start failed after DIR was made: show the log, leave nothing running or behind
STARTED_DIR=0
start_failed() {
  local msg=$1 log=${2:-}
  if [ -n "$log" ] && [ -s "$log" ]; then
    note "last lines of $log:"
    tail -n 30 "$log" >&2 || true
  fi
  if [ "$STARTED_DIR" -eq 1 ]; then
    shutdown_cluster || true
    rm -rf -- "$DIR" || true
  fi
  die "$msg"
}

# bench_settings: the postgresql.conf lines of --bench, sized for this machine.
#
# Durability: what lotse's SQLite store has (journal_mode=WAL with
# synchronous=NORMAL), so that the two stores are compared at the same
# promise. fsync=on and full_page_writes=on: a crash never corrupts the
# cluster. synchronous_commit=off: a commit returns before its WAL record is
# flushed; the WAL writer flushes within 3 x wal_writer_delay (200 ms), so a
# crash of the machine, or of PostgreSQL, may lose the commits of the last
# ~0.6 s, and never leaves a transaction half done. SQLite with
# synchronous=NORMAL loses the last commits on a power loss or an OS crash
# (not when lotse itself crashes: its WAL is in the OS's page cache by then).
#
# Memory: shared_buffers a quarter of RAM, at most 4 GB (PostgreSQL's own
# advice for a dedicated server is 25 %; the 1,000,000-client store is a few
# GB, and the OS page cache holds the rest of it anyway);
# effective_cache_size half of RAM (only a planner hint: most of the store is
# in memory, so index scans are cheap); maintenance_work_mem 512 MB for
# VACUUM and index builds after the bulk load.
#
# Checkpoints: max_wal_size 8 GB and checkpoint_timeout 15 min, so that
# filling a large store checkpoints by time rather than every GB of WAL (the
# default max_wal_size of 1 GB would checkpoint again and again, each
# followed by a burst of full-page images); checkpoint_completion_target 0.9
# spreads a checkpoint's writes over the interval. min_wal_size 1 GB keeps
# WAL segments for reuse. The WAL can thus take ~8 GB of disk in DIR.
bench_settings() {
  local mem_kib sb_mib ecs_mib
  mem_kib=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo) || return 1
  [[ "$mem_kib" =~ ^[0-9]+$ ]] || return 1
  sb_mib=$((mem_kib / 4 / 1024))
  [ "$sb_mib" -le 4096 ] || sb_mib=4096
  [ "$sb_mib" -ge 128 ] || sb_mib=128
  ecs_mib=$((mem_kib / 2 / 1024))
  cat <<EOF
fsync = on
full_page_writes = on
synchronous_commit = off
shared_buffers = ${sb_mib}MB
effective_cache_size = ${ecs_mib}MB
maintenance_work_mem = 512MB
max_wal_size = 8GB
min_wal_size = 1GB
checkpoint_timeout = 15min
checkpoint_completion_target = 0.9
EOF
}

cmd_start() {
  local bindir port locale_opt
  bindir=$(find_bindir) ||
    die "no PostgreSQL server programs found (pg_config --bindir has no initdb, and there is no /usr/lib/postgresql/*/bin/initdb); install the Debian package postgresql"

  if [ -e "$DIR" ]; then
    [ -d "$DIR" ] || die "$DIR exists and is not a folder"
    [ -z "$(ls -A "$DIR")" ] || die "$DIR exists and is not empty"
  else
    mkdir -p -- "$DIR" || die "cannot make $DIR"
  fi
  STARTED_DIR=1
  : >"$DIR/$MARKER" || start_failed "cannot write into $DIR"

  # the server's socket is DIR/.s.PGSQL.PORT; unix socket paths end at 107 bytes
  [ "${#DIR}" -le 80 ] || start_failed "$DIR is too long for a unix socket path (at most 80 characters)"

  if [ "$(id -u)" -eq 0 ]; then
    id -u "$RUN_AS_ROOT_USER" >/dev/null 2>&1 || start_failed "there is no user $RUN_AS_ROOT_USER to run PostgreSQL as"
    command -v runuser >/dev/null || start_failed "runuser is missing (package util-linux)"
    PG_USER=$RUN_AS_ROOT_USER
    chown "$PG_USER:$(id -gn "$PG_USER")" "$DIR" "$DIR/$MARKER" || start_failed "cannot hand $DIR to $PG_USER"
    chmod 755 "$DIR" || start_failed "cannot chmod $DIR"
    if ! runuser -u "$PG_USER" -- test -w "$DIR" -a -x "$DIR" 2>/dev/null; then
      start_failed "user $PG_USER cannot reach $DIR: every folder above it must be traversable (e.g. use a folder made by mktemp -d under /tmp)"
    fi
  else
    PG_USER=''
    chmod 755 "$DIR" || start_failed "cannot chmod $DIR"
  fi

  port=$(free_port) || start_failed "found no free port number (needs python3 or ss)"

  if have_c_utf8; then
    locale_opt=(--locale=C.UTF-8)
  else
    locale_opt=(--no-locale)
  fi
  if ! as_pg "$bindir/initdb" -D "$DIR/data" -U lotse --auth=trust --encoding=UTF8 \
         "${locale_opt[@]}" >"$DIR/initdb.log" 2>&1; then
    start_failed "initdb failed" "$DIR/initdb.log"
  fi

  # settings in the cluster's own postgresql.conf (the last value wins):
  # the same as -c listen_addresses='' -k DIR -p PORT ..., without pg_ctl -o
  # and its shell quoting of DIR
  local sock_dir=${DIR//\'/\'\'}
  cat >>"$DIR/data/postgresql.conf" <<EOF

# --- tools/pg-cluster.sh: a private cluster for ${PURPOSE} ---
listen_addresses = ''
unix_socket_directories = '$sock_dir'
port = $port
max_connections = 200
EOF
  if [ "$PURPOSE" = benchmarks ]; then
    bench_settings >>"$DIR/data/postgresql.conf" || start_failed "cannot read /proc/meminfo"
  else
    cat >>"$DIR/data/postgresql.conf" <<EOF
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  fi

  if ! as_pg "$bindir/pg_ctl" -D "$DIR/data" -l "$DIR/postgresql.log" -w -t 60 start \
         >"$DIR/pg_ctl.log" 2>&1; then
    cat "$DIR/pg_ctl.log" >&2 || true
    start_failed "the server did not start" "$DIR/postgresql.log"
  fi
  [ -S "$DIR/.s.PGSQL.$port" ] ||
    start_failed "the server runs but has no socket $DIR/.s.PGSQL.$port" "$DIR/postgresql.log"

  printf 'export LOTSE_TEST_PG_HOST=%q\n' "$DIR"
  printf 'export LOTSE_TEST_PG_PORT=%q\n' "$port"
  printf 'export LOTSE_TEST_PG_USER=%q\n' lotse
}

PURPOSE=tests
if [ "$#" -eq 3 ] && [ "$1" = start ] && [ "$3" = --bench ]; then
  PURPOSE=benchmarks
  set -- "$1" "$2"
fi
readonly PURPOSE
[ "$#" -eq 2 ] || usage
case "$2" in
  '') die "DIR must not be empty" ;;
  /) die "DIR must not be /" ;;
esac
# an absolute path without symlinks: the socket directory, the marker check
# and the postmaster's command line all use this one spelling
DIR=$(realpath -m -- "$2")
[ "$DIR" != / ] || die "DIR must not be /"
readonly DIR

case "$1" in
  start) cmd_start ;;
  stop)  cmd_stop ;;
  *) usage ;;
esac
