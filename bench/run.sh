#!/usr/bin/env bash
# bench/run.sh — the lotse benchmark (docs/performance.md explains it).
#
#   bash bench/run.sh [--db sqlite|postgresql] [--servers 1|2]
#
# Fills a fresh store with `lotse demo --clients 100000` (SQLite by default;
# with --db postgresql a database in a private, durable PostgreSQL cluster in
# the temp dir, tools/pg-cluster.sh --bench), starts `lotse serve` (timing
# spawn to the first 200 from /healthz; with --servers 2 two of them over the
# same database behind a private nginx as load balancer), and drives it with
# wrk at 16 and 64 connections for: the audited JSON case read GET
# /api/v1/cases/{id}, the HTML case page GET /cases/{id}, fm1's worklist (GET
# /api/v1/worklist and the HTML start page GET /), a new contact note (POST
# /api/v1/cases/{id}/notes on fm1's active cases) and POST /api/v1/clients. In
# the same run a private nginx serving a 2048-byte static file gives the
# ceiling of this machine; lotse's throughput is printed as a ratio of it,
# with the servers' own p99 (access log) and the CPU time per request of
# every process that served it (the servers, PostgreSQL, the load balancer).
# Then the servers' memory (VmRSS, VmHWM, RssAnon, RssFile) and their writer
# counters (group commit batch size).
#
# Run it through `./setup.sh bench` (installs wrk and nginx, builds lotse), or
# directly after a build. Knobs (environment): LOTSE (binary, default
# build/src/lotse), BENCH_CLIENTS (100000), BENCH_DURATION (10s),
# BENCH_THREADS (wrk threads, 2), BENCH_CONNECTIONS ("16 64"), BENCH_DB_URL
# (an existing store, sqlite:PATH or postgresql://…, made by `lotse demo` with
# BENCH_PASSWORD, default lotse-demo-2026: used instead of filling one, and
# not removed), BENCH_RESULTS (a file to write the results to as JSON, for
# bench/stores.sh), and any LOTSE_<SECTION>_<KEY> setting, which `lotse serve`
# reads as usual. Everything lives in a temp dir that is removed, and every
# process started here is stopped, also when the script fails or is
# interrupted (bench/lib.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LOTSE=${LOTSE:-$ROOT/build/src/lotse}
CLIENTS=${BENCH_CLIENTS:-100000}
DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
read -r -a CONNS <<<"${BENCH_CONNECTIONS:-16 64}"
PASSWORD=${BENCH_PASSWORD:-lotse-demo-2026}
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
bench_supervise "$@"

usage() {
  sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# Goals (the issue): case read >= 40 % of nginx with p99 < 10 ms at 64
# connections, RSS < 64 MiB, start to first answer < 200 ms. With PostgreSQL
# (issue 4): p99 < 20 ms at 64 connections for the case read, the case page,
# the worklist and the note (its throughput against SQLite's: bench/stores.sh).
GOAL_RATIO=0.40 GOAL_P99_MS=10 GOAL_RSS_KIB=$((64 * 1024)) GOAL_START_MS=200
GOAL_CONNS=64 GOAL_PG_P99_MS=20

bench_parse_args "$@"
bench_need wrk nginx curl python3 setsid
bench_begin lotse-bench
: >"$TMP/skipped"

machine_idle
bench_store
bench_servers

# ---- credentials, a case of fm1, and the cases the notes go to ---------------------
signin_api
fetch "$TMP/cases.json" -H "$AUTH" "$BASE/api/v1/cases?assigned_to=me&limit=1" ||
  die "could not list the cases of $USERNAME"
CASE_ID=$(json_get '["items"][0]["id"]' <"$TMP/cases.json") || die "$USERNAME has no case"
# The notes go to fm1's active cases other than the one read (whose page
# would grow) and the showcase case of bench/casework.sh (fm1's first active
# case by id, with its 200 notes, should this store be reused for it), each
# started before the note's time: now minus a minute.
fetch "$TMP/active.json" -H "$AUTH" "$BASE/api/v1/cases?assigned_to=me&status=active&limit=500" ||
  die "could not list the active cases of $USERNAME"
read -r NOTE_AT NOTE_CASES < <(python3 - "$TMP/active.json" "$CASE_ID" <<'PY'
import datetime, json, sys, zoneinfo
items = json.load(open(sys.argv[1]))["items"]
at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) - datetime.timedelta(minutes=1)
day = at.astimezone(zoneinfo.ZoneInfo("Europe/Berlin")).date().isoformat()
showcase = min((c["id"] for c in items), default=None)
ids = [c["id"] for c in items if c["id"] not in (sys.argv[2], showcase)
       and c.get("started_on") and c["started_on"] <= day]
print(at.strftime("%Y-%m-%dT%H:%M:%SZ"), " ".join(ids))
PY
) || true

# A target that does not answer as expected once is skipped (and named in
# the report) rather than measured on errors; the other targets still run.
skip() { say "skipping $1: $2"; printf '%s: %s\n' "$1" "$2" >>"$TMP/skipped"; }
expect() {  # expect STATUS CURL-ARGS...: does the request answer STATUS?
  local want=$1 got; shift
  got=$(curl -s -o "$TMP/probe.out" -w '%{http_code}' "$@") || true
  [ "$got" = "$want" ] && return 0
  EXPECT_GOT="answered $got, not $want: $(head -c 200 "$TMP/probe.out" | tr -s '\n\t' '  ')"
  return 1
}

# The customer numbers of POST /api/v1/clients (bench/post_clients.lua) use a
# letter no earlier run on this store used: the probe's number 999L999999
# marks the letter L as taken (a reused store keeps the clients of each run).
LETTERS=({A..Z})
CLIENT_LETTER=''
for i in "${!LETTERS[@]}"; do
  fetch "$TMP/dup.json" -H "$AUTH" "$BASE/api/v1/clients?customer_number=999${LETTERS[$i]}999999" || break
  if [ "$(json_get '["items"].__len__()' <"$TMP/dup.json")" = 0 ]; then CLIENT_LETTER=$i; break; fi
done

TARGETS=()
if expect 200 -H "$AUTH" "$BASE/api/v1/cases/$CASE_ID"; then TARGETS+=(case_json)
else skip case_json "GET /api/v1/cases/{id} $EXPECT_GOT"; fi
COOKIE_OK=no
if signin_web; then COOKIE_OK=yes; else skip "HTML pages" "$EXPECT_GOT"; fi
if [ "$COOKIE_OK" = yes ]; then
  if expect 200 -H "$COOKIE" "$BASE/cases/$CASE_ID"; then TARGETS+=(case_html)
  else skip case_html "GET /cases/{id} $EXPECT_GOT"; fi
fi
if expect 200 -H "$AUTH" "$BASE/api/v1/worklist"; then TARGETS+=(worklist_json)
else skip worklist_json "GET /api/v1/worklist $EXPECT_GOT"; fi
if [ "$COOKIE_OK" = yes ]; then
  if expect 200 -H "$COOKIE" "$BASE/"; then TARGETS+=(worklist_html)
  else skip worklist_html "GET / $EXPECT_GOT"; fi
fi
read -r -a NOTE_IDS <<<"${NOTE_CASES:-}"
if [ "${#NOTE_IDS[@]}" -eq 0 ]; then
  skip post_note "$USERNAME has no active case besides $CASE_ID"
elif expect 201 -X POST -H "$AUTH" -H 'Content-Type: application/json' \
  -d "{\"at\":\"$NOTE_AT\",\"channel\":\"phone\",\"kind\":\"consultation\",\"text\":\"Probe\"}" \
  "$BASE/api/v1/cases/${NOTE_IDS[0]}/notes"; then TARGETS+=(post_note)
else skip post_note "POST /api/v1/cases/{id}/notes $EXPECT_GOT"; fi
if [ -z "$CLIENT_LETTER" ]; then
  skip post_client "no customer-number letter left that earlier runs on this store did not use"
elif expect 201 -X POST -H "$AUTH" -H 'Content-Type: application/json' \
  -d "{\"customer_number\":\"999${LETTERS[$CLIENT_LETTER]}999999\",\"first_name\":\"Berta\",\"last_name\":\"Benchmark\",\"birth_date\":\"1980-05-05\",\"address\":{\"street\":\"Teststrasse 1\",\"postcode\":\"12345\",\"city\":\"Kiel\"}}" \
  "$BASE/api/v1/clients"; then TARGETS+=(post_client)
else skip post_client "POST /api/v1/clients $EXPECT_GOT"; fi
has() { local t; for t in "${TARGETS[@]}"; do [ "$t" = "$1" ] && return 0; done; return 1; }

# Peak RSS so far includes sign-in (argon2id works in 64 MiB); note it, then
# reset the peak (clear_refs 5) so that VmHWM below is the peak under load.
status_kib() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }
HWM_SIGNIN_KIB=() RSS_IDLE_KIB=() HWM_RESET=yes
for pid in "${SERVER_PIDS[@]}"; do
  HWM_SIGNIN_KIB+=("$(status_kib "$pid" VmHWM)")
  RSS_IDLE_KIB+=("$(status_kib "$pid" VmRSS)")
  echo 5 >"/proc/$pid/clear_refs" 2>/dev/null || HWM_RESET=no
done

# ---- wrk ------------------------------------------------------------------------
: >"$TMP/results"

# The ceiling: a private nginx with a 2048-byte file.
mkdir -p "$TMP/nginx/html"
python3 -c 'import sys; sys.stdout.write(("lotse bench " * 200)[:2047] + "\n")' >"$TMP/nginx/html/static.html"
NGINX_PORT=$(free_port)
sed -e "s|@ROOT@|$TMP|g" -e "s|@PORT@|$NGINX_PORT|g" -e "s|@USER@|$(id -un)|g" \
  "$ROOT/bench/nginx.conf" >"$TMP/nginx/nginx.conf"
nginx -e "$TMP/nginx/error.log" -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx/" >"$TMP/nginx/stdout.log" 2>&1 &
NGINX_PID=$!
for _ in $(seq 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/static.html" && break
  kill -0 "$NGINX_PID" 2>/dev/null || { cat "$TMP/nginx/stdout.log" "$TMP/nginx/error.log" >&2 || true; NGINX_PID=''; die "nginx did not start"; }
  sleep 0.05
done
[ "$(curl -sf "http://127.0.0.1:$NGINX_PORT/static.html" | wc -c)" -eq 2048 ] || die "nginx does not serve the 2 KB file"
LOTSE_GROUPS=("${CPU_GROUPS[@]}")
CPU_GROUPS=("nginx=tree:$NGINX_PID")
for c in "${CONNS[@]}"; do wrk_measure nginx - "$c" "http://127.0.0.1:$NGINX_PORT/static.html"; done
kill "$NGINX_PID"; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=''
CPU_GROUPS=("${LOTSE_GROUPS[@]}")

run_no=0
for c in "${CONNS[@]}"; do
  if has case_json; then
    wrk_measure case_json "GET /api/v1/cases/{id}" "$c" "$BASE/api/v1/cases/$CASE_ID" -H "$AUTH"
  fi
  if has case_html; then
    wrk_measure case_html "GET /cases/{id}" "$c" "$BASE/cases/$CASE_ID" -H "$COOKIE"
  fi
  if has worklist_json; then
    wrk_measure worklist_json "GET /api/v1/worklist" "$c" "$BASE/api/v1/worklist" -H "$AUTH"
  fi
  if has worklist_html; then
    wrk_measure worklist_html "GET /" "$c" "$BASE/" -H "$COOKIE"
  fi
  if has post_note; then
    wrk_measure post_note "POST /api/v1/cases/{id}/notes" "$c" "$BASE/api/v1/cases/${NOTE_IDS[0]}/notes" \
      -H "$AUTH" -s "$ROOT/bench/post_notes.lua" -- "$NOTE_AT" "${NOTE_IDS[@]}"
  fi
  if has post_client; then
    wrk_measure post_client "POST /api/v1/clients" "$c" "$BASE/api/v1/clients" \
      -H "$AUTH" -s "$ROOT/bench/post_clients.lua" -- "$run_no" "$CLIENT_LETTER"
  fi
  run_no=$((run_no + 1))
done
servers_alive

: >"$TMP/memory"
for pid in "${SERVER_PIDS[@]}"; do
  printf '%s %s %s %s\n' "$(status_kib "$pid" VmRSS)" "$(status_kib "$pid" VmHWM)" \
    "$(status_kib "$pid" RssAnon)" "$(status_kib "$pid" RssFile)" >>"$TMP/memory"
done
metrics_all "$TMP/metrics.txt"
[ -s "$TMP/metrics.txt" ] || die "GET /metrics failed"

# ---- report ---------------------------------------------------------------------
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
HOW=$(cat <<EOF
How measured: $(nproc) cores ($CPU); wrk ($THREADS threads) and the servers share these cores
over loopback (127.0.0.1). Each figure is one wrk run of $DURATION at $(printf '%s' "${CONNS[*]}" | sed 's/ / and /g') connections.
Store: $STORE_DESC.
Servers: $SERVERS_DESC.
Start: spawn of 'lotse serve' to the first 200 from /healthz. The ceiling: nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'),
worker_processes auto, access_log off, keep-alive unlimited.
CPU idle in the 3 s before the run: $IDLE_BEFORE %; load average before: $LOAD_BEFORE, after:
$(cut -d' ' -f1-3 /proc/loadavg) (other work on the cores lowers every figure).
EOF
)
HOW=$HOW python3 - "$TMP/results" "$TMP/metrics.txt" "$TMP/memory" "${BENCH_RESULTS:-}" <<PY
import json, os, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
metrics = {}
for line in open(sys.argv[2]):
    if line.startswith("lotse_writer_") and not line.startswith("#"):
        k, v = line.split()[:2]
        metrics[k] = metrics.get(k, 0) + float(v)   # summed over the servers
memory = [[int(x) for x in l.split()] for l in open(sys.argv[3]) if l.strip()]
R = {(r["name"], r["conns"]): r for r in rows}
conns = [int(c) for c in "${CONNS[*]}".split()]
db, servers = "$DB_KIND", $N_SERVERS
store = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[db]
config = f"{store}, {servers} server{'s' if servers > 1 else ''}"
labels = {
    "nginx": "nginx, 2 KB static file (ceiling)",
    "case_json": "GET /api/v1/cases/{id} (audited)",
    "case_html": "GET /cases/{id} (HTML, audited)",
    "worklist_json": "GET /api/v1/worklist (JSON)",
    "worklist_html": "GET / (worklist, HTML)",
    "post_note": "POST /api/v1/cases/{id}/notes",
    "post_client": "POST /api/v1/clients",
}
short = {"case_json": "case read (JSON)", "case_html": "case page (HTML)",
         "worklist_json": "worklist (JSON)", "worklist_html": "worklist (HTML)",
         "post_note": "new note", "post_client": "new client"}
groups = [g.split("=")[0] for g in """${LOTSE_GROUPS[*]}""".split()]
parts = groups if len(groups) > 1 else []
def f(v, fmt):
    return "-" if v is None else format(v, fmt)
print()
print(f"lotse benchmark — {config}, ${CLIENTS_DESC}, wrk -t${THREADS} -d${DURATION} --latency")
print()
head = (f"{'target':<36} {'conns':>5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'srv p99':>8}"
        f" {'of nginx':>9} {'non-2xx':>8} {'errors':>7} {'cores':>6} {'CPU us/req':>10}")
for g in parts:
    head += f" {g + ' us':>8}"
print(head)
for name in labels:
    for c in conns:
        r = R.get((name, c))
        if not r:
            continue
        ceil = R.get(("nginx", c))
        ratio = f"{100 * r['rps'] / ceil['rps']:.0f} %" if ceil else "-"
        total = sum(r["cpu_us"].values())
        line = (f"{labels[name]:<36} {c:>5} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f}"
                f" {f(r.get('srv_p99'), '.2f'):>8} {ratio:>9} {r['non2xx']:>8} {r['errors']:>7}"
                f" {r['cores']:>6.2f} {total:>10.0f}")
        for g in parts:
            line += f" {f(r['cpu_us'].get(g), '.0f'):>8}"
        print(line)
counted = {"lotse": "lotse serve" + (" (both servers)" if servers > 1 else ""),
           "pg": "PostgreSQL (the postmaster and all its processes)",
           "lb": "nginx as load balancer (master and workers)"}
print("CPU us/req: CPU time per request of " + ", ".join(counted[g] for g in groups)
      + (" together (the columns after it: each alone)" if parts else "") + "; nginx rows: nginx itself."
      " cores: that CPU time per second of the run. wrk uses the rest of the 2 cores.")
print("srv p99: the servers' own time from request to queued answer (access log). non-2xx:"
      " answers other than 2xx, from the servers' access logs and wrk (status >= 400, also those"
      " of a load balancer), the larger count. errors: wrk's socket errors.")
if servers > 1:
    split = ", ".join(f"{short[r['name']]} {r['per_server'][0]}/{r['per_server'][1]}"
                      for r in rows if r.get("per_server") and r["conns"] == conns[-1])
    print(f"2xx answers per server (server 1/server 2) at {conns[-1]} connections: {split}")
print()

def verdict(ok):
    return "met" if ok else "MISSED"
g = $GOAL_CONNS
goals = []
cj, ng = R.get(("case_json", g)), R.get(("nginx", g))
if cj and ng:
    ratio = cj["rps"] / ng["rps"]
    goals.append((f"audited case read >= {100*$GOAL_RATIO:.0f} % of nginx at {g} conns",
                  f"{100*ratio:.0f} %", ratio >= $GOAL_RATIO))
    goals.append((f"audited case read p99 < $GOAL_P99_MS ms at {g} conns",
                  f"{cj['p99']:.2f} ms", cj["p99"] < $GOAL_P99_MS))
hwm = max(m[1] for m in memory)
goals.append(("server RSS < 64 MiB (peak under load, VmHWM)",
              f"{hwm/1024:.1f} MiB", hwm < $GOAL_RSS_KIB))
start = max(float(s) for s in "${START_MS[*]}".split())
goals.append(("start to first answer < $GOAL_START_MS ms", f"{start:.1f} ms", start < $GOAL_START_MS))
if db == "postgresql":
    for name in ("case_json", "case_html", "worklist_json", "worklist_html", "post_note"):
        r = R.get((name, g))
        if r:
            goals.append((f"PostgreSQL: {short[name]} p99 < $GOAL_PG_P99_MS ms at {g} conns",
                          f"{r['p99']:.2f} ms", r["p99"] < $GOAL_PG_P99_MS))
print(f"{'goal':<52} {'measured':>12}  verdict")
for text, value, ok in goals:
    print(f"{text:<52} {value:>12}  {verdict(ok)}")
if db == "postgresql":
    print("(PostgreSQL's throughput against SQLite's: bench/stores.sh, which runs both)")
print()
idle_rss = [int(x) for x in "${RSS_IDLE_KIB[*]}".split()]
signin_hwm = [int(x) for x in "${HWM_SIGNIN_KIB[*]}".split()]
for i, m in enumerate(memory):
    rss, peak, anon, file = m
    who = f"server {i + 1} " if servers > 1 else ""
    print(f"{who}memory: VmRSS {rss/1024:.1f} MiB after the load, VmHWM {peak/1024:.1f} MiB peak under load"
          f" (peak reset before the load: ${HWM_RESET}); before the load VmRSS {idle_rss[i]/1024:.1f} MiB,"
          f" peak {signin_hwm[i]/1024:.1f} MiB including sign-in (argon2id uses 64 MiB per hash)")
    print(f"        after the load: RssAnon {anon/1024:.1f} MiB (heap, stacks), RssFile {file/1024:.1f} MiB"
          f" (file pages mapped: the binary, libraries"
          + (", and the database file where SQLite maps it)" if db == "sqlite" else ")"))
b = metrics.get("lotse_writer_batches_total", 0)
j = metrics.get("lotse_writer_jobs_total", 0)
fc = metrics.get("lotse_writer_failed_commits_total", 0)
print(f"writer{'s (both servers)' if servers > 1 else ''}: lotse_writer_batches_total {b:.0f},"
      f" lotse_writer_jobs_total {j:.0f} -> {j / b if b else 0:.1f} jobs per group commit;"
      f" failed commits {fc:.0f}")
print()
if sys.argv[4]:
    with open(sys.argv[4], "w") as out:
        json.dump({"config": {"db": db, "servers": servers, "label": config, "clients": int("${CLIENTS}"),
                              "duration": "${DURATION}", "threads": int("${THREADS}"),
                              "how": os.environ["HOW"]},
                   "labels": labels, "short": short, "rows": rows}, out, indent=1)
PY
if [ -s "$TMP/skipped" ]; then
  echo "NOT MEASURED (the target did not answer as expected before the run, or wrk failed):"
  sed 's/^/  /' "$TMP/skipped"
  echo
fi
printf '%s\n' "$HOW"
