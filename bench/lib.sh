# shellcheck shell=bash disable=SC2034
# (SC2034: many variables set here are for the scripts that source this file)
# bench/lib.sh — what the benchmark scripts share: bench/run.sh,
# bench/casework.sh and bench/stores.sh source it (it is not run on its own).
#
#   the options   --db sqlite|postgresql (default sqlite, or the kind of
#                 BENCH_DB_URL) and --servers 1|2 (2 only with postgresql)
#   the store     a fresh one filled by `lotse demo --clients $CLIENTS`: a
#                 SQLite file in the temp dir, or a database in a private
#                 PostgreSQL cluster in the temp dir (tools/pg-cluster.sh
#                 --bench: durable and tuned, see there); or an existing one,
#                 BENCH_DB_URL (sqlite:PATH or postgresql://…, made by
#                 `lotse demo` with BENCH_PASSWORD), used as it is and never
#                 removed (casework.sh's BENCH_DB=PATH is BENCH_DB_URL=sqlite:PATH)
#   the servers   one `lotse serve`, or two over the same PostgreSQL database
#                 behind a private nginx as load balancer (bench/nginx-lb.conf)
#   sign-in       an API token and a browser session of fm1, once, through
#                 whatever the load goes to (BASE)
#   wrk_measure   one wrk run, with the servers' own view of it: the access
#                 logs (percentiles, answers other than 2xx), /metrics, and
#                 the CPU time of every process that served it
#   the cleanup   on every way out (normal end, failure, Ctrl-C, TERM, HUP):
#                 stops whatever was started here (wrk, lotse demo, the
#                 servers, the nginxes, the PostgreSQL cluster) and removes
#                 the temp dir
#
# The sourcing script sets ROOT, LOTSE, CLIENTS, DURATION, THREADS and
# PASSWORD, then calls bench_supervise "$@", bench_parse_args "$@" and
# bench_begin PREFIX.
# Everything here lives in variables with capital names; functions that
# cannot go on call die, which exits through the cleanup.

USERNAME=fm1
DB_KIND='' N_SERVERS=1
TMP='' FG_PID='' NGINX_PID='' LB_PID='' LB_PORT='' PG_DIR='' PG_PM_PID='' PSQL=''
SERVER_PIDS=() SERVER_PORTS=() SERVER_LOGS=() START_MS=()
CPU_GROUPS=()
DB_URL='' DB_REUSED=no DEMO_S='' DB_MIB='' STORE_DESC='' SERVERS_DESC=''
BASE='' AUTH='' COOKIE=''

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
json_get() {  # json_get PYEXPR < JSON: print d<PYEXPR> of the JSON on stdin
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"
}

# bench_parse_args ARG...: --db and --servers into DB_KIND and N_SERVERS;
# -h/--help calls the script's usage.
bench_parse_args() {
  while [ "$#" -gt 0 ]; do
    case "$1" in
      --db) [ "$#" -ge 2 ] || die "--db needs sqlite or postgresql"; DB_KIND=$2; shift 2 ;;
      --db=*) DB_KIND=${1#--db=}; shift ;;
      --servers) [ "$#" -ge 2 ] || die "--servers needs 1 or 2"; N_SERVERS=$2; shift 2 ;;
      --servers=*) N_SERVERS=${1#--servers=}; shift ;;
      -h|--help) usage ;;
      *) die "unknown argument '$1' (--help says what there is)" ;;
    esac
  done
  if [ -n "${BENCH_DB:-}" ]; then
    [ -z "${BENCH_DB_URL:-}" ] || die "set BENCH_DB or BENCH_DB_URL, not both"
    BENCH_DB_URL=sqlite:$BENCH_DB
  fi
  local url_kind=''
  case "${BENCH_DB_URL:-}" in
    '') ;;
    sqlite:*) url_kind=sqlite ;;
    postgresql://*|postgres://*) url_kind=postgresql ;;
    *) die "BENCH_DB_URL must be sqlite:PATH or postgresql://…" ;;
  esac
  case "$DB_KIND" in
    '') DB_KIND=${url_kind:-sqlite} ;;
    sqlite|postgresql) ;;
    *) die "--db must be sqlite or postgresql, not '$DB_KIND'" ;;
  esac
  [ -z "$url_kind" ] || [ "$url_kind" = "$DB_KIND" ] ||
    die "--db $DB_KIND does not fit BENCH_DB_URL (a $url_kind store)"
  case "$N_SERVERS" in
    1) ;;
    2) [ "$DB_KIND" = postgresql ] || die "--servers 2 needs --db postgresql (two servers share one database)" ;;
    *) die "--servers must be 1 or 2, not '$N_SERVERS'" ;;
  esac
}

# bench_need TOOL...: stop unless every TOOL is installed; also checks the
# binary, and for PostgreSQL finds psql (PSQL).
bench_need() {
  local tool d
  for tool in "$@"; do
    command -v "$tool" >/dev/null || die "$tool is missing (./setup.sh bench installs it)"
  done
  [ -x "$LOTSE" ] || die "no lotse binary at $LOTSE (./setup.sh build)"
  if [ "$DB_KIND" = postgresql ]; then
    PSQL=$(command -v psql || true)
    if [ -z "$PSQL" ]; then
      for d in /usr/lib/postgresql/*/bin; do [ -x "$d/psql" ] && PSQL=$d/psql; done
    fi
    [ -n "$PSQL" ] || die "psql is missing (./setup.sh bench --db postgresql installs postgresql)"
  fi
}

# ---- the temp dir and the cleanup ----------------------------------------------

# bench_supervise ARG...: run this script again, as a child, and only wait for
# it. Why: bash drops a SIGINT that arrives while a foreground command runs
# unless that command dies of it too ("wait and cooperative exit"), so a
# `kill -INT` to the script would often go unnoticed; a shell in `wait` always
# takes it. INT, TERM and HUP are passed on to the child as TERM, whose
# cleanup (bench_cleanup) stops everything; this shell then exits 130, 143 or
# 129. The child (BENCH_CHILD=1, and what it starts) runs on as usual.
bench_supervise() {
  [ -z "${BENCH_CHILD:-}" ] || return 0
  local child rc sig=0
  BENCH_CHILD=1 bash "$0" "$@" &
  child=$!
  trap 'sig=130; kill -TERM "$child" 2>/dev/null || true' INT
  trap 'sig=143; kill -TERM "$child" 2>/dev/null || true' TERM
  trap 'sig=129; kill -TERM "$child" 2>/dev/null || true' HUP
  while :; do
    rc=0
    wait "$child" || rc=$?
    kill -0 "$child" 2>/dev/null || break
  done
  [ "$sig" -eq 0 ] || rc=$sig
  exit "$rc"
}

# bench_begin PREFIX: the temp dir, and the traps that clean up on every way out.
bench_begin() {
  TMP=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

bench_cleanup() {
  local rc=$? pid log alive
  trap '' INT TERM HUP   # a second Ctrl-C must not cut the cleanup short
  trap - EXIT
  if [ -n "$FG_PID" ]; then
    kill -- "-$FG_PID" 2>/dev/null || kill "$FG_PID" 2>/dev/null || true
    wait "$FG_PID" 2>/dev/null || true
  fi
  for pid in "$NGINX_PID" "$LB_PID"; do
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  # the servers finish the requests in flight on SIGTERM; after 5 s, SIGKILL.
  # A server's pid is in TMP/serve-N.pid from the moment it is spawned.
  for pid in "$TMP"/serve-*.pid; do
    [ -s "$pid" ] && SERVER_PIDS+=("$(cat "$pid")")
  done
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 50); do
    alive=no
    for pid in "${SERVER_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=yes; done
    [ "$alive" = yes ] || break
    sleep 0.1
  done
  for pid in "${SERVER_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  if [ -n "$PG_DIR" ]; then
    "$ROOT/tools/pg-cluster.sh" stop "$PG_DIR" >/dev/null 2>&1 ||
      echo "bench: could not stop the PostgreSQL cluster in $PG_DIR" >&2
  fi
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 129 ] && [ "$rc" -ne 130 ] && [ "$rc" -ne 143 ]; then
    for log in "${SERVER_LOGS[@]}"; do
      [ -s "$log" ] || continue
      echo "bench: failed (exit $rc); last lines of the server's log ${log##*/}:" >&2
      grep -v ' access ' "$log" | tail -n 20 >&2 || true
    done
  fi
  [ -z "$TMP" ] || rm -rf "$TMP"
  exit "$rc"
}

# bg_wait CMD...: run CMD in the background and wait for it. bash runs a trap
# only after a foreground command has ended; a background one lets Ctrl-C
# (or kill -INT) stop the script at once. CMD runs in a process group of its
# own (setsid), so that the cleanup stops it with everything it started
# (pg-cluster.sh's initdb and pg_ctl). Returns CMD's exit status.
bg_wait() {
  local rc=0
  setsid "$@" &
  FG_PID=$!
  wait "$FG_PID" || rc=$?
  FG_PID=''
  return "$rc"
}

# machine_idle: IDLE_BEFORE (% CPU idle over 3 s) and LOAD_BEFORE; other work
# on the cores lowers every figure, so the report states them.
machine_idle() {
  IDLE_BEFORE=$(python3 - <<'PY'
import time
def cpu():
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return f[3] + f[4], sum(f[:8])
i0, t0 = cpu(); time.sleep(3); i1, t1 = cpu()
print(f"{100 * (i1 - i0) / max(t1 - t0, 1):.0f}")
PY
  )
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
}

# ---- the store -------------------------------------------------------------------

# psql_q URL SQL...: run each SQL (one psql -c each) on URL; rows tab-separated.
psql_q() {
  local url=$1 args=() s
  shift
  for s in "$@"; do args+=(-c "$s"); done
  "$PSQL" -X -q -At -F $'\t' -v ON_ERROR_STOP=1 -d "$url" "${args[@]}"
}

uri_escape() {
  python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe="/"))' "$1"
}

# pg_postmaster_pid URL: the postmaster of the cluster behind URL, when it
# runs on this machine (the parent of its checkpointer); empty otherwise.
pg_postmaster_pid() {
  local pid ppid
  pid=$(psql_q "$1" "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'" 2>/dev/null) || return 0
  if ! [[ "$pid" =~ ^[0-9]+$ ]] || [ ! -r "/proc/$pid/stat" ]; then return 0; fi
  ppid=$(awk '{ sub(/.*\) /, ""); print $2 }' "/proc/$pid/stat")
  grep -q postgres "/proc/$ppid/cmdline" 2>/dev/null && printf '%s\n' "$ppid"
  return 0
}

# fill_timed LOG CMD...: run CMD (output into LOG, shown if it fails); adds
# its wall-clock seconds to FILL_S.
FILL_S=0
fill_timed() {
  local log=$1 t0 t1
  shift
  t0=$(date +%s.%N)
  bg_wait "$@" >>"$log" 2>&1 || { cat "$log" >&2; die "$(basename "$1") ${2:-} failed"; }
  t1=$(date +%s.%N)
  FILL_S=$(python3 -c 'import sys; print(f"{float(sys.argv[1]) + float(sys.argv[3]) - float(sys.argv[2]):.1f}")' "$FILL_S" "$t0" "$t1")
}

# pg_cluster_start: a private cluster in TMP/pg (tools/pg-cluster.sh --bench)
# with an empty database "lotse"; its URL into DB_URL.
pg_cluster_start() {
  local out host port
  # as root the cluster runs as "nobody", who must be able to pass through TMP
  chmod 711 "$TMP"
  PG_DIR=$TMP/pg
  say "starting a private PostgreSQL cluster in $PG_DIR (tools/pg-cluster.sh --bench)"
  bg_wait "$ROOT/tools/pg-cluster.sh" start "$PG_DIR" --bench >"$TMP/pg-start.out" 2>"$TMP/pg-start.err" ||
    { cat "$TMP/pg-start.err" >&2; die "the PostgreSQL cluster did not start"; }
  out=$(cat "$TMP/pg-start.out")
  host=$(sed -n 's/^export LOTSE_TEST_PG_HOST=//p' <<<"$out")
  port=$(sed -n 's/^export LOTSE_TEST_PG_PORT=//p' <<<"$out")
  if [ "$host" != "$PG_DIR" ] || ! [[ "$port" =~ ^[0-9]+$ ]]; then
    die "tools/pg-cluster.sh printed no socket and port"
  fi
  psql_q "postgresql://lotse@/postgres?host=$(uri_escape "$PG_DIR")&port=$port" \
    'CREATE DATABASE lotse' >/dev/null || die "could not create the database"
  DB_URL="postgresql://lotse@/lotse?host=$(uri_escape "$PG_DIR")&port=$port"
}

# bench_store: the store in DB_URL (see the top); sets STORE_DESC, DB_MIB,
# DEMO_LOG (the demo's output, empty for a reused store), CLIENTS (counted in
# a reused store), CLIENTS_DESC ("N demo clients") and PG_PM_PID.
bench_store() {
  DEMO_LOG=$TMP/demo.log
  : >"$DEMO_LOG"
  CLIENTS_DESC="$CLIENTS demo clients"
  if [ -n "${BENCH_DB_URL:-}" ]; then
    DB_URL=$BENCH_DB_URL DB_REUSED=yes
    say "reusing the store ${DB_URL%%\?*}"
    if [ "$DB_KIND" = sqlite ]; then
      [ -s "${DB_URL#sqlite:}" ] || die "BENCH_DB_URL=$DB_URL is not a store"
    else
      psql_q "$DB_URL" 'SELECT 1' >/dev/null || die "cannot connect to BENCH_DB_URL"
    fi
    CLIENTS=$(store_sql 'SELECT count(*) FROM clients') || die "BENCH_DB_URL is not a lotse store"
    CLIENTS_DESC="$CLIENTS clients (a reused store)"
  elif [ "$DB_KIND" = sqlite ]; then
    DB_URL=sqlite:$TMP/lotse.db
    say "filling a store with $CLIENTS demo clients"
    fill_timed "$DEMO_LOG" "$LOTSE" demo --db "$DB_URL" --clients "$CLIENTS" --password "$PASSWORD"
    DEMO_S=$FILL_S
  else
    pg_cluster_start
    say "filling the database with $CLIENTS demo clients (lotse migrate, lotse demo)"
    fill_timed "$DEMO_LOG" "$LOTSE" migrate --db "$DB_URL"
    fill_timed "$DEMO_LOG" "$LOTSE" demo --db "$DB_URL" --clients "$CLIENTS" --password "$PASSWORD"
    DEMO_S=$FILL_S
    # Left alone, autovacuum would vacuum and analyse every table of the
    # fresh store during the measurement; a DBA does it after a bulk load.
    # Then a checkpoint, so that the measurement does not pay for the fill.
    say "VACUUM (ANALYZE) and CHECKPOINT after the fill"
    FILL_S=0
    fill_timed "$TMP/vacuum.log" "$PSQL" -X -q -v ON_ERROR_STOP=1 -d "$DB_URL" \
      -c 'VACUUM (ANALYZE)' -c 'CHECKPOINT'
    VACUUM_S=$FILL_S
  fi
  if [ "$DB_KIND" = sqlite ]; then
    DB_MIB=$(du -cm "${DB_URL#sqlite:}"* | tail -n1 | cut -f1)
    STORE_DESC="SQLite, $CLIENTS_DESC ($DB_MIB MiB with WAL and audit file; "
  else
    DB_MIB=$(psql_q "$DB_URL" 'SELECT pg_database_size(current_database()) / 1048576')
    local settings
    settings=$(psql_q "$DB_URL" "SELECT concat_ws(', ', 'PostgreSQL ' || current_setting('server_version'),
      'fsync ' || current_setting('fsync'), 'full_page_writes ' || current_setting('full_page_writes'),
      'synchronous_commit ' || current_setting('synchronous_commit'),
      'shared_buffers ' || current_setting('shared_buffers'))")
    STORE_DESC="$settings; $CLIENTS_DESC (database $DB_MIB MiB; "
    if [ -n "$PG_DIR" ]; then
      PG_PM_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
      STORE_DESC+="a private cluster, tools/pg-cluster.sh --bench; "
    else
      PG_PM_PID=$(pg_postmaster_pid "$DB_URL")
    fi
  fi
  if [ "$DB_REUSED" = yes ]; then
    STORE_DESC+="reused store BENCH_DB_URL)"
  else
    STORE_DESC+="demo: $DEMO_S s"
    [ "$DB_KIND" = sqlite ] || STORE_DESC+=", then VACUUM (ANALYZE) and CHECKPOINT: $VACUUM_S s"
    STORE_DESC+=")"
    sed 's/^/  demo: /' "$DEMO_LOG" | grep -v password >&2 || true
  fi
  # A fresh store leaves its pages dirty in the page cache; their write-back
  # would stall the first runs (one such run had a 52 ms maximum).
  say "writing the page cache to disk (sync) before measuring"
  sync
}

# store_sql SQL: run a read-only query on the store (before the servers
# start, or beside them); rows tab-separated. In SQL, :name is a parameter
# whose value is in the environment as P_name.
store_sql() {
  if [ "$DB_KIND" = sqlite ]; then
    python3 - "${DB_URL#sqlite:}" "$1" <<'PY'
import os, re, sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
params = {n: os.environ["P_" + n] for n in re.findall(r":(\w+)", sys.argv[2])}
for row in c.execute(sys.argv[2], params):
    print("\t".join("" if v is None else str(v) for v in row))
PY
  else
    local sql=$1 vars=() n
    for n in $(grep -o ':[a-z_]*' <<<"$sql" | tr -d : | sort -u || true); do
      vars+=(-v "$n=$(printenv "P_$n")")
    done
    # psql substitutes :'name' (quoted as a literal) only in what it reads, not in -c
    sed -E "s/:([a-z_]+)/:'\\1'/g" <<<"$sql" |
      "$PSQL" -X -q -At -F $'\t' -v ON_ERROR_STOP=1 "${vars[@]}" -d "$DB_URL"
  fi
}

# ---- the servers ---------------------------------------------------------------

# spawn_server N: `lotse serve` number N on a free port, timed from spawn to
# its first 200 from /healthz (a Python loop polls every 0.5 ms).
spawn_server() {
  local n=$1 port pid ms log=$TMP/serve-$1.log
  port=$(free_port)
  SERVER_LOGS+=("$log")
  say "starting lotse serve $n on http://127.0.0.1:$port"
  read -r pid ms < <(python3 - "$LOTSE" "$TMP" "$port" "$DB_URL" "$log" "$TMP/serve-$n.pid" <<'PY'
import http.client, subprocess, sys, time
lotse, tmp, port, url, logname, pidfile = sys.argv[1:7]
port = int(port)
log = open(logname, "wb")
t0 = time.perf_counter()
p = subprocess.Popen([lotse, "serve", "--db", url, "--listen", f"127.0.0.1:{port}"],
                     stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=tmp)
with open(pidfile, "w") as f:   # for the cleanup, should the script stop now
    f.write(f"{p.pid}\n")
deadline = t0 + 30
while True:
    if p.poll() is not None:
        print(p.pid, -1); sys.exit(0)
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        c.request("GET", "/healthz")
        if c.getresponse().status == 200:
            break
    except OSError:
        pass
    if time.perf_counter() > deadline:
        print(p.pid, -2); sys.exit(0)
    time.sleep(0.0005)
print(p.pid, f"{(time.perf_counter() - t0) * 1000:.1f}")
PY
  ) || true
  [ -n "${pid:-}" ] || die "could not start lotse serve"
  case "$ms" in
    -1) cat "$log" >&2; die "lotse serve $n exited before answering" ;;
  esac
  SERVER_PIDS+=("$pid")
  [ "$ms" != -2 ] || die "lotse serve $n did not answer /healthz within 30 s"
  SERVER_PORTS+=("$port")
  START_MS+=("$ms")
}

# bench_servers: N_SERVERS servers over DB_URL, and with two the load
# balancer; BASE is where the load goes; CPU_GROUPS what wrk_measure counts.
bench_servers() {
  local n pids
  for n in $(seq "$N_SERVERS"); do spawn_server "$n"; done
  pids=$(IFS=,; printf '%s' "${SERVER_PIDS[*]}")
  CPU_GROUPS=("lotse=$pids")
  [ -z "$PG_PM_PID" ] || CPU_GROUPS+=("pg=tree:$PG_PM_PID")
  if [ "$N_SERVERS" -eq 1 ]; then
    BASE="http://127.0.0.1:${SERVER_PORTS[0]}"
    SERVERS_DESC="lotse serve with its defaults (4 threads, access log on, written to a file)"
    return 0
  fi
  mkdir -p "$TMP/lb"
  LB_PORT=$(free_port)
  sed -e "s|@ROOT@|$TMP|g" -e "s|@PORT@|$LB_PORT|g" -e "s|@USER@|$(id -un)|g" \
    -e "s|@UPSTREAM1@|127.0.0.1:${SERVER_PORTS[0]}|g" -e "s|@UPSTREAM2@|127.0.0.1:${SERVER_PORTS[1]}|g" \
    "$ROOT/bench/nginx-lb.conf" >"$TMP/lb/nginx.conf"
  say "starting nginx as load balancer on http://127.0.0.1:$LB_PORT"
  nginx -e "$TMP/lb/error.log" -c "$TMP/lb/nginx.conf" -p "$TMP/lb/" >"$TMP/lb/stdout.log" 2>&1 &
  LB_PID=$!
  for _ in $(seq 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$LB_PORT/healthz" && break
    kill -0 "$LB_PID" 2>/dev/null ||
      { cat "$TMP/lb/stdout.log" "$TMP/lb/error.log" >&2 || true; LB_PID=''; die "nginx (load balancer) did not start"; }
    sleep 0.05
  done
  curl -sf -o /dev/null "http://127.0.0.1:$LB_PORT/healthz" || die "nginx (load balancer) does not answer"
  BASE="http://127.0.0.1:$LB_PORT"
  CPU_GROUPS+=("lb=tree:$LB_PID")
  SERVERS_DESC="two lotse serve over the same database, each with its defaults (4 threads, access log on, written to a file), behind a private nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') as load balancer (bench/nginx-lb.conf: round robin, keep-alive connections to both, HTTP/1.1, worker_processes auto, no access log); signed in once, through nginx"
}

# servers_alive: die (with the logs) when a server has stopped.
servers_alive() {
  local i
  for i in "${!SERVER_PIDS[@]}"; do
    kill -0 "${SERVER_PIDS[$i]}" 2>/dev/null || die "lotse serve $((i + 1)) stopped (its log follows)"
  done
}

# ---- signing in --------------------------------------------------------------------

# fetch OUT CURL-ARGS...: the body into OUT; fails (showing it) unless 2xx.
fetch() {
  local out=$1 code; shift
  code=$(curl -s -o "$out" -w '%{http_code}' "$@") || code=000
  case "$code" in 2??) return 0 ;; esac
  say "$* answered $code: $(head -c 300 "$out")"
  return 1
}

# signin_api: an API token of fm1 from POST /api/v1/tokens, as AUTH.
signin_api() {
  fetch "$TMP/token.json" -X POST -H 'Content-Type: application/json' \
    -d "{\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/tokens" ||
    die "could not get an API token for $USERNAME (BENCH_PASSWORD?)"
  AUTH="Authorization: Bearer $(json_get '["token"]' <"$TMP/token.json")"
}

# signin_web: a browser session as COOKIE. GET /login gives the lotse_pre
# cookie and the form's _csrf; POST /login with both answers with the
# lotse_session cookie. On failure EXPECT_GOT says why.
signin_web() {
  local jar=$TMP/cookies.txt csrf session
  curl -sf -c "$jar" -b "$jar" "$BASE/login" >"$TMP/login.html" ||
    { EXPECT_GOT="GET /login failed"; return 1; }
  csrf=$(python3 - "$TMP/login.html" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
for tag in re.findall(r"<input\b[^>]*>", html):
    if re.search(r'name="_csrf"', tag):
        m = re.search(r'value="([^"]*)"', tag)
        if m:
            print(m.group(1)); break
PY
  )
  [ -n "$csrf" ] || { EXPECT_GOT="GET /login has no _csrf field in its form"; return 1; }
  curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "username=$USERNAME" \
    --data-urlencode "password=$PASSWORD" --data-urlencode "_csrf=$csrf" "$BASE/login"
  session=$(awk '$6 == "lotse_session" { print $7 }' "$jar" | tail -n1)
  [ -n "$session" ] || { EXPECT_GOT="POST /login set no lotse_session cookie"; return 1; }
  COOKIE="Cookie: lotse_session=$session"
}

# ---- wrk ---------------------------------------------------------------------------

# cpu_ticks: CPU time (user + system, clock ticks) so far of each group in
# CPU_GROUPS, one number each. A group is NAME=PID,PID… (those processes,
# all their threads) or NAME=tree:PID (PID, its children, and the children
# it has already reaped: a postmaster and its backends, nginx and its workers).
cpu_ticks() {
  python3 - "${CPU_GROUPS[@]}" <<'PY'
import os, sys
def fields(pid):
    try:
        st = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    return st[st.rindex(")") + 2:].split()
out = []
for g in sys.argv[1:]:
    spec = g.split("=", 1)[1]
    total = 0
    if spec.startswith("tree:"):
        root = spec[5:]
        for pid in os.listdir("/proc"):
            f = pid.isdigit() and fields(pid)
            if f and pid == root:
                total += sum(int(x) for x in f[11:15])   # utime stime cutime cstime
            elif f and f[1] == root:
                total += int(f[11]) + int(f[12])
    else:
        for pid in spec.split(","):
            f = fields(pid)
            if f:
                total += int(f[11]) + int(f[12])
    out.append(str(total))
print(" ".join(out))
PY
}

# log_marks: the line count of each server's log.
log_marks() {
  local log
  for log in "${SERVER_LOGS[@]}"; do printf '%s ' "$(wc -l <"$log")"; done
}

# metrics_all OUT: /metrics of every server (directly, not through nginx).
metrics_all() {
  local port
  : >"$1"
  for port in "${SERVER_PORTS[@]}"; do curl -sf "http://127.0.0.1:$port/metrics" >>"$1" || true; done
}

# wrk_measure NAME ROUTE CONNS URL [WRK OPTION...] [-- SCRIPT ARG...]: one
# wrk run; appends one JSON line to $TMP/results. ROUTE is the route as the
# access log names it ("GET /cases/{id}"), or "-" for a run on something
# else than lotse (the ceiling). Counted CPU: the groups in CPU_GROUPS.
wrk_measure() {
  local name=$1 route=$2 conns=$3 url=$4 out opts=() args=() t k0 k1 m0 m1 i
  shift 4
  while [ "$#" -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  [ "$#" -eq 0 ] || { shift; args=(-- "$@"); }
  t=$THREADS; [ "$conns" -ge "$t" ] || t=$conns
  out="$TMP/wrk-$name-$conns.txt"
  say "wrk $name, $conns connection(s), $DURATION"
  if [ "$route" != - ]; then metrics_all "$TMP/m0"; m0=$(log_marks); fi
  k0=$(cpu_ticks)
  if ! bg_wait wrk -t"$t" -c"$conns" -d"$DURATION" --latency "${opts[@]}" "$url" "${args[@]}" >"$out" 2>&1; then
    cat "$out" >&2
    [ "$route" = - ] || servers_alive
    say "wrk failed for $name at $conns connections; not measured"
    printf '%s at %s connections: wrk failed\n' "$name" "$conns" >>"$TMP/skipped"
    return 0
  fi
  k1=$(cpu_ticks)
  : >"$TMP/access.log"
  if [ "$route" != - ]; then
    # a server that stopped would leave the load balancer with one: stop here
    servers_alive
    m1=$(log_marks)
    metrics_all "$TMP/m1"
    read -r -a m0 <<<"$m0"
    read -r -a m1 <<<"$m1"
    for i in "${!SERVER_LOGS[@]}"; do
      sed -n "$((m0[i] + 1)),${m1[i]}p" "${SERVER_LOGS[$i]}" | sed "s/^/$((i + 1)) /" >>"$TMP/access.log"
    done
  else
    : >"$TMP/m0"; : >"$TMP/m1"
  fi
  python3 - "$name" "$conns" "$out" "$TMP/access.log" "$route" "$TMP/m0" "$TMP/m1" \
    "$(printf '%s\n' "${CPU_GROUPS[@]}" | cut -d= -f1 | tr '\n' ' ')" "$k0" "$k1" \
    >>"$TMP/results" <<'PY'
import json, math, os, re, sys
name, conns, path, access, route, m0, m1, groups, k0, k1 = sys.argv[1:11]
text = open(path, encoding="utf-8", errors="replace").read()
def ms(v):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", v)
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
reqs = int(re.search(r"(\d+) requests in", text).group(1))
secs = ms(re.search(r"requests in ([\d.]+[a-z]+),", text).group(1)) / 1000
m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
non2xx_wrk = int(m.group(1)) if m else 0
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
errors = sum(map(int, m.groups())) if m else 0
row = {"name": name, "conns": int(conns), "rps": rps, "p50": p50, "p99": p99, "reqs": reqs,
       "secs": secs, "errors": errors, "non2xx_wrk": non2xx_wrk}
# CPU per group, in µs per request, and cores (CPU seconds per second)
tick = os.sysconf("SC_CLK_TCK")
cpu = {g: (int(b) - int(a)) / tick for g, a, b in zip(groups.split(), k0.split(), k1.split())}
row["cpu_us"] = {g: s * 1e6 / max(reqs, 1) for g, s in cpu.items()}
row["cores"] = sum(cpu.values()) / secs if secs else float("nan")
# server side, from the access logs: "N TIME access GET /cases/{id} 200 1.234ms RID"
if route != "-":
    method, pattern = route.split(" ", 1)
    times, other, per_server = [], 0, {}
    for line in open(access, encoding="utf-8", errors="replace"):
        f = line.split()
        if len(f) < 7 or f[2] != "access" or f[4] == "/metrics":
            continue
        if f[3] == method and f[4] == pattern and f[5].startswith("2"):
            times.append(float(f[6].rstrip("ms")))
            per_server[f[0]] = per_server.get(f[0], 0) + 1
        else:
            other += 1
    times.sort()
    def pct(p):
        return times[min(len(times) - 1, int(p / 100 * len(times)))] if times else float("nan")
    row.update(srv_p50=pct(50), srv_p99=pct(99), srv_max=times[-1] if times else float("nan"),
               srv_n=len(times), srv_non2xx=other,
               per_server=[per_server.get(str(i), 0) for i in range(1, 3)])
    # the share of this run's requests under 2 and 5 ms, from /metrics (all servers)
    def hist(fn):
        h = {}
        for line in open(fn):
            m = re.match(r'lotse_request_duration_seconds_bucket\{method="([^"]+)",route="([^"]+)",le="([^"]+)"\} (\d+)', line)
            if m and m.group(1) == method and m.group(2) == pattern:
                h[m.group(3)] = h.get(m.group(3), 0) + int(m.group(4))
        return h
    h0, h1 = hist(m0), hist(m1)
    tot = h1.get("+Inf", 0) - h0.get("+Inf", 0)
    share = lambda le: 100 * (h1.get(le, 0) - h0.get(le, 0)) / tot if tot else float("nan")
    row.update(under2=share("0.002"), under5=share("0.005"))
    # answers other than 2xx: wrk counts only status >= 400 (also those of a
    # load balancer); the access logs every status of the servers
    row["non2xx"] = max(non2xx_wrk, other) if times or other else non2xx_wrk
else:
    row["non2xx"] = non2xx_wrk
print(json.dumps({k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}))
PY
}
