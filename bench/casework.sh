#!/usr/bin/env bash
# bench/casework.sh — the case-work benchmark (docs/performance.md, "Case work").
#
# The issue's goals, on a store made by `lotse demo --clients 1000000`:
#   (1) the worklist of a case manager with 60 cases: p99 < 5 ms at 16 connections;
#   (2) the case page of a case with 200 notes and 10 plan versions renders in < 5 ms;
#   (3) search by name prefix across a case manager's clients: < 2 ms.
# fm1 holds 60 cases at 1,000,000 clients; the demo's showcase case (fm1's first
# active case by id: 200 notes, 10 plan versions) is named in the demo's output.
#
# It fills a fresh store (timing `lotse demo`), starts `lotse serve`, signs in as
# fm1 twice (an API token from POST /api/v1/tokens; a browser session through
# GET /login + POST /login with the double-submit _csrf), checks each target once,
# and drives it with `wrk --latency`:
#   worklist   GET /                      (HTML, session cookie)      16 connections
#              GET /api/v1/worklist       (JSON, Bearer token)        16 connections
#   case page  GET /cases/{showcase}      (HTML, session cookie)      1 and 16
#              GET /api/v1/cases/{id}/timeline (JSON, 200 items)      1 and 16
#   search     GET /api/v1/search?q=PRE   (JSON, Bearer token)        1 and 16
#              GET /search?q=PRE          (HTML, session cookie)      1 and 16
# wrk's latencies include the loopback round trip and wrk's own share of the 2
# cores. Server-side times come from the server itself: the access log (one line
# per request with its time from request to queued response, in µs resolution)
# gives exact percentiles per run, and /metrics' per-route histogram the share
# of requests under 2 and 5 ms.
#
# A benchmark is not a test: it reports, it does not fail on a slow machine. It
# exits non-zero only when it could not measure (no binary, a tool missing, the
# server not starting).
#
# Knobs (environment): LOTSE (binary, default build/src/lotse), BENCH_CLIENTS
# (1000000), BENCH_DURATION (10s), BENCH_THREADS (2), BENCH_SEARCH (the prefix,
# default: the most common 3-letter prefix of fm1's clients' last names),
# BENCH_DB (an existing store made by `lotse demo` with BENCH_PASSWORD, reused
# instead of filling a new one; it is not removed), and any LOTSE_<SECTION>_<KEY>.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LOTSE=${LOTSE:-$ROOT/build/src/lotse}
CLIENTS=${BENCH_CLIENTS:-1000000}
DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
PASSWORD=${BENCH_PASSWORD:-lotse-demo-2026}
USERNAME='fm1'
GOAL_WL_P99_MS=5 GOAL_CASE_MS=5 GOAL_SEARCH_MS=2

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (./setup.sh bench installs it)" >&2; exit 1; }
done
[ -x "$LOTSE" ] || { echo "bench: no lotse binary at $LOTSE (./setup.sh build)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lotse-casework.XXXXXX")
SERVER_PID=''
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ] && [ -s "$TMP/serve.log" ]; then
    echo "bench: failed (exit $rc); last lines of the server's log:" >&2
    grep -v ' access ' "$TMP/serve.log" | tail -n 20 >&2 || true
  fi
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
json_get() {  # json_get PYEXPR < JSON
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"
}

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

# ---- the store ---------------------------------------------------------------
if [ -n "${BENCH_DB:-}" ]; then
  DB=$BENCH_DB
  [ -s "$DB" ] || die "BENCH_DB=$DB is not a store"
  DEMO_S='(reused store)'
  : >"$TMP/demo.log"
  say "reusing the store $DB"
else
  DB=$TMP/lotse.db
  say "filling a store with $CLIENTS demo clients (1,000,000 take a few minutes)"
  t0=$(date +%s.%N)
  "$LOTSE" demo --db "sqlite:$DB" --clients "$CLIENTS" --password "$PASSWORD" \
    >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log" >&2; die "lotse demo failed"; }
  DEMO_S=$(python3 -c "import sys; print(f'{float(sys.argv[2])-float(sys.argv[1]):.1f} s')" "$t0" "$(date +%s.%N)")
  sed 's/^/  demo: /' "$TMP/demo.log" | grep -v password >&2 || true
fi
DB_MIB=$(du -cm "$DB"* | tail -n1 | cut -f1)
# A fresh store leaves gigabytes of dirty pages in the page cache; their
# write-back would stall the first runs (one such run had a 52 ms maximum).
say "writing the page cache to disk (sync) before measuring"
sync

# The showcase case: named in the demo's output; for a reused store, the same
# rule (fm1's first active case by id). fm1's caseload and the search prefix
# come from the store too (read-only, before the server starts).
read -r SHOWCASE N_CASES N_ACTIVE N_NOTES N_PLANS PREFIX CLIENTS < <(python3 - "$DB" "$TMP/demo.log" "${BENCH_SEARCH:-}" <<'PY'
import collections, re, sqlite3, sys, unicodedata
db, log, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
fm1 = c.execute("SELECT id, jobcenter_id FROM users WHERE username = 'fm1'").fetchone()
m = re.search(r"showcase case .*: (cs_\w+)", open(log).read())
case = m.group(1) if m else c.execute(
    "SELECT min(id) FROM cases WHERE jobcenter_id = ? AND case_manager_id = ? AND status = 'active'",
    fm1[::-1]).fetchone()[0]
n_cases = c.execute("SELECT count(*) FROM cases WHERE jobcenter_id = ? AND case_manager_id = ?",
                    fm1[::-1]).fetchone()[0]
n_active = c.execute("SELECT count(*) FROM cases WHERE jobcenter_id = ? AND case_manager_id = ?"
                     " AND status = 'active'", fm1[::-1]).fetchone()[0]
n_notes = c.execute("SELECT count(*) FROM notes WHERE case_id = ?", (case,)).fetchone()[0]
n_plans = c.execute("SELECT count(*) FROM plans WHERE case_id = ?", (case,)).fetchone()[0]
if not prefix:
    names = [r[0] for r in c.execute(
        "SELECT c.last_name FROM cases k JOIN clients c ON c.id = k.client_id"
        " WHERE k.jobcenter_id = ? AND k.case_manager_id = ?", fm1[::-1])]
    prefix = collections.Counter(n[:3] for n in names).most_common(1)[0][0]
n_clients = c.execute("SELECT count(*) FROM clients").fetchone()[0]
print(case, n_cases, n_active, n_notes, n_plans, prefix, n_clients)
PY
) || die "could not read the store"
Q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$PREFIX")

# ---- lotse serve ----------------------------------------------------------------
PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
say "starting lotse serve on $BASE"
"$LOTSE" serve --db "sqlite:$DB" --listen "127.0.0.1:$PORT" </dev/null >"$TMP/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
  curl -sf -o /dev/null "$BASE/healthz" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { SERVER_PID=''; cat "$TMP/serve.log" >&2; die "lotse serve exited"; }
  sleep 0.1
done
curl -sf -o /dev/null "$BASE/healthz" || die "lotse serve did not answer /healthz within 30 s"

fetch() {  # fetch OUT CURL-ARGS...: the body into OUT; fails unless 2xx
  local out=$1 code; shift
  code=$(curl -s -o "$out" -w '%{http_code}' "$@") || code=000
  case "$code" in 2??) return 0 ;; esac
  say "$* answered $code: $(head -c 300 "$out")"
  return 1
}
fetch "$TMP/token.json" -X POST -H 'Content-Type: application/json' \
  -d "{\"username\":\"$USERNAME\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/tokens" ||
  die "could not get an API token for $USERNAME (BENCH_PASSWORD?)"
AUTH="Authorization: Bearer $(json_get '["token"]' <"$TMP/token.json")"

JAR="$TMP/cookies.txt"
COOKIE=''
signin_web() {  # GET /login: lotse_pre cookie + the form's _csrf; POST /login: lotse_session
  curl -sf -c "$JAR" -b "$JAR" "$BASE/login" >"$TMP/login.html" || return 1
  local csrf session
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
  [ -n "$csrf" ] || return 1
  curl -s -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "username=$USERNAME" \
    --data-urlencode "password=$PASSWORD" --data-urlencode "_csrf=$csrf" "$BASE/login"
  session=$(awk '$6 == "lotse_session" { print $7 }' "$JAR" | tail -n1)
  [ -n "$session" ] || return 1
  COOKIE="Cookie: lotse_session=$session"
}
signin_web || say "browser sign-in failed: the HTML targets are skipped"

# ---- targets: each checked once ------------------------------------------------
# NAME|ROUTE (as in the access log)|URL|HEADER|CONNECTION COUNTS|LABEL
TARGETS=(
  "worklist_html|GET /|/|cookie|16|GET / (worklist page, HTML)"
  "worklist_api|GET /api/v1/worklist|/api/v1/worklist|auth|16|GET /api/v1/worklist (JSON)"
  "case_html|GET /cases/{id}|/cases/$SHOWCASE|cookie|1 16|GET /cases/{id} (case page, HTML)"
  "timeline_api|GET /api/v1/cases/{id}/timeline|/api/v1/cases/$SHOWCASE/timeline|auth|1 16|GET /api/v1/cases/{id}/timeline (JSON)"
  "search_api|GET /api/v1/search|/api/v1/search?q=$Q|auth|1 16|GET /api/v1/search?q=$PREFIX (JSON)"
  "search_html|GET /search|/search?q=$Q|cookie|1 16|GET /search?q=$PREFIX (HTML)"
)
: >"$TMP/skipped"
: >"$TMP/sizes"
RUN=()
for t in "${TARGETS[@]}"; do
  IFS='|' read -r name route path hdr conns label <<<"$t"
  h=$AUTH; [ "$hdr" = cookie ] && h=$COOKIE
  if [ -z "$h" ]; then echo "$label: no browser session" >>"$TMP/skipped"; continue; fi
  code=$(curl -s -o "$TMP/probe-$name" -w '%{http_code}' -H "$h" "$BASE$path") || code=000
  if [ "$code" != 200 ]; then
    echo "$label: answered $code, not 200: $(head -c 200 "$TMP/probe-$name" | tr -s '\n\t' '  ')" >>"$TMP/skipped"
    continue
  fi
  items=$(python3 - "$TMP/probe-$name" <<'PY'
import json, re, sys
raw = open(sys.argv[1], "rb").read()
try:
    d = json.loads(raw)
    print(len(d["items"]) if isinstance(d, dict) and "items" in d else "-")
except ValueError:
    print(len(re.findall(rb"<li\b|<tr\b", raw)), "li/tr")
PY
  )
  echo "$name $(wc -c <"$TMP/probe-$name") $items" >>"$TMP/sizes"
  RUN+=("$t")
done

# ---- wrk ----------------------------------------------------------------------
: >"$TMP/results"
LOG="$TMP/serve.log"
metrics_snapshot() { curl -sf "$BASE/metrics" >"$1" || : >"$1"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }  # utime + stime of the server
wrk_run() {  # wrk_run NAME ROUTE CONNS URL HEADER
  local name=$1 route=$2 conns=$3 url=$4 hdr=$5 t out l0 l1
  t=$THREADS; [ "$conns" -lt "$t" ] && t=$conns
  out="$TMP/wrk-$name-$conns.txt"
  say "wrk $name, $conns connection(s), $DURATION"
  metrics_snapshot "$TMP/m0"
  l0=$(wc -l <"$LOG")
  k0=$(cpu_ticks)
  wrk -t"$t" -c"$conns" -d"$DURATION" --latency -H "$hdr" "$url" >"$out" 2>&1 ||
    { cat "$out" >&2; kill -0 "$SERVER_PID" 2>/dev/null || { SERVER_PID=''; die "lotse serve stopped"; }
      say "wrk failed for $name"; return 0; }
  l1=$(wc -l <"$LOG")
  k1=$(cpu_ticks)
  metrics_snapshot "$TMP/m1"
  sed -n "$((l0 + 1)),${l1}p" "$LOG" >"$TMP/access-$name-$conns.log"
  python3 - "$name" "$conns" "$out" "$TMP/access-$name-$conns.log" "$route" "$TMP/m0" "$TMP/m1" \
    "$((k1 - k0))" >>"$TMP/results" <<'PY'
import re, sys
import os
name, conns, path, access, route, m0, m1, ticks = sys.argv[1:9]
text = open(path, encoding="utf-8", errors="replace").read()
def ms(v):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", v)
    return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
reqs = int(re.search(r"(\d+) requests in", text).group(1))
m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
non2xx = int(m.group(1)) if m else 0
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
errors = sum(map(int, m.groups())) if m else 0
method, pattern = route.split(" ", 1)
# server side, from the access log: "... access GET /cases/{id} 200 1.234ms RID"
times = []
for line in open(access, encoding="utf-8", errors="replace"):
    f = line.split()
    if len(f) >= 6 and f[1] == "access" and f[2] == method and f[3] == pattern:
        times.append(float(f[5].rstrip("ms")))
times.sort()
def pct(p):
    return times[min(len(times) - 1, int(p / 100 * len(times)))] if times else float("nan")
s50, s99, smax = pct(50), pct(99), (times[-1] if times else float("nan"))
# server side, from /metrics: the share of this run's requests under 2 and 5 ms
def hist(f):
    h = {}
    for line in open(f):
        m = re.match(r'lotse_request_duration_seconds_bucket\{method="([^"]+)",route="([^"]+)",le="([^"]+)"\} (\d+)', line)
        if m and m.group(1) == method and m.group(2) == pattern:
            h[m.group(3)] = int(m.group(4))
    return h
h0, h1 = hist(m0), hist(m1)
d = {k: h1.get(k, 0) - h0.get(k, 0) for k in h1}
tot = d.get("+Inf", 0)
u2 = 100 * d.get("0.002", 0) / tot if tot else float("nan")
u5 = 100 * d.get("0.005", 0) / tot if tot else float("nan")
cpu_us = int(ticks) / os.sysconf("SC_CLK_TCK") * 1e6 / max(reqs, 1)
print(name, conns, f"{rps:.0f}", f"{p50:.3f}", f"{p99:.3f}", reqs, non2xx, errors,
      f"{s50:.3f}", f"{s99:.3f}", f"{smax:.3f}", len(times), f"{u2:.1f}", f"{u5:.1f}",
      f"{cpu_us:.0f}")
PY
}
for t in "${RUN[@]}"; do
  IFS='|' read -r name route path hdr conns label <<<"$t"
  h=$AUTH; [ "$hdr" = cookie ] && h=$COOKIE
  for c in $conns; do wrk_run "$name" "$route" "$c" "$BASE$path" "$h"; done
done
kill -0 "$SERVER_PID" 2>/dev/null || die "lotse serve died during the run"

# ---- report -------------------------------------------------------------------
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
LABELS=$(printf '%s\n' "${TARGETS[@]}")
python3 - "$TMP/results" "$TMP/sizes" <<PY
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
sizes = {l.split()[0]: l.split()[1:] for l in open(sys.argv[2]) if l.strip()}
labels = {}
for t in """$LABELS""".splitlines():
    f = t.split("|")
    labels[f[0]] = f[5]
R = {(r[0], int(r[1])): r for r in rows}
print()
print("lotse case-work benchmark — ${CLIENTS} demo clients; fm1: ${N_CASES} cases (${N_ACTIVE} active);"
      " showcase case ${SHOWCASE}: ${N_NOTES} notes, ${N_PLANS} plan versions; search prefix '${PREFIX}'")
print("wrk -t${THREADS} (-t1 at 1 connection) -d${DURATION} --latency; server = the server's own time"
      " per request (access log), <2/<5 ms = share of requests under 2/5 ms (/metrics histogram),"
      " CPU us = the server's CPU time per request")
print()
print(f"{'target':<44} {'conns':>5} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'srv p50':>8}"
      f" {'srv p99':>8} {'srv max':>8} {'<2 ms':>6} {'<5 ms':>6} {'CPU us':>6} {'non-2xx':>7} {'err':>4}"
      f" {'bytes':>7}")
for r in rows:
    name, c = r[0], int(r[1])
    size = sizes.get(name, ["-"])[0]
    print(f"{labels.get(name, name):<44} {c:>5} {float(r[2]):>8.0f} {float(r[3]):>7.2f} {float(r[4]):>7.2f}"
          f" {float(r[8]):>8.2f} {float(r[9]):>8.2f} {float(r[10]):>8.2f} {r[12]:>5}% {r[13]:>5}%"
          f" {r[14]:>6} {r[6]:>7} {r[7]:>4} {size:>7}")
print()
def get(name, c, i):
    r = R.get((name, c))
    return float(r[i]) if r else None
def verdict(v, limit):
    return "not measured" if v is None else ("met" if v < limit else "MISSED")
goals = [
    ("(1) worklist p99 < $GOAL_WL_P99_MS ms at 16 conns, HTML GET /", get("worklist_html", 16, 4), $GOAL_WL_P99_MS),
    ("(1) worklist p99 < $GOAL_WL_P99_MS ms at 16 conns, JSON /api/v1/worklist", get("worklist_api", 16, 4), $GOAL_WL_P99_MS),
    ("(1) worklist p99 < $GOAL_WL_P99_MS ms at 16 conns, HTML, server p99", get("worklist_html", 16, 9), $GOAL_WL_P99_MS),
    ("(2) case page < $GOAL_CASE_MS ms, 1 conn, p99", get("case_html", 1, 4), $GOAL_CASE_MS),
    ("(2) case page < $GOAL_CASE_MS ms, 1 conn, server p99", get("case_html", 1, 9), $GOAL_CASE_MS),
    ("(2) case page < $GOAL_CASE_MS ms, 16 conns, p99", get("case_html", 16, 4), $GOAL_CASE_MS),
    ("(2) case page < $GOAL_CASE_MS ms, 16 conns, server p99", get("case_html", 16, 9), $GOAL_CASE_MS),
    ("(3) search < $GOAL_SEARCH_MS ms, 1 conn, p99", get("search_api", 1, 4), $GOAL_SEARCH_MS),
    ("(3) search < $GOAL_SEARCH_MS ms, 1 conn, server p99", get("search_api", 1, 9), $GOAL_SEARCH_MS),
    ("(3) search < $GOAL_SEARCH_MS ms, 16 conns, p99", get("search_api", 16, 4), $GOAL_SEARCH_MS),
    ("(3) search < $GOAL_SEARCH_MS ms, 16 conns, server p99", get("search_api", 16, 9), $GOAL_SEARCH_MS),
]
print(f"{'goal':<62} {'measured':>10}  verdict")
for text, v, limit in goals:
    print(f"{text:<62} {('-' if v is None else f'{v:.2f} ms'):>10}  {verdict(v, limit)}")
print()
for name, s in sizes.items():
    print(f"  {labels.get(name, name)}: {s[0]} bytes, {' '.join(s[1:])} items")
PY
if [ -s "$TMP/skipped" ]; then
  echo; echo "NOT MEASURED (the target did not answer as expected before the run):"
  sed 's/^/  /' "$TMP/skipped"
fi
cat <<EOF

How measured: $(nproc) cores ($CPU); wrk ($THREADS threads) and the server share
these cores over loopback. Store: SQLite, ${CLIENTS} demo clients ($DB_MIB MiB with
WAL and audit file; demo: ${DEMO_S}). lotse serve with its defaults (access log on,
written to a file). Each figure is one wrk run of $DURATION. Every request of these
targets is audited (one audit entry, committed before the answer). CPU idle in the
3 s before the run: $IDLE_BEFORE %; load average before: $LOAD_BEFORE, after:
$(cut -d' ' -f1-3 /proc/loadavg) (other work on the cores lowers every figure).
EOF
