#!/usr/bin/env bash
# bench/casework.sh — the case-work benchmark (docs/performance.md, "Case work").
#
#   bash bench/casework.sh [--db sqlite|postgresql] [--servers 1|2]
#
# The issue's goals, on a store made by `lotse demo --clients 1000000`:
#   (1) the worklist of a case manager with 60 cases: p99 < 5 ms at 16 connections;
#   (2) the case page of a case with 200 notes and 10 plan versions renders in < 5 ms;
#   (3) search by name prefix across a case manager's clients: < 2 ms.
# fm1 holds 60 cases at 1,000,000 clients; the demo's showcase case (fm1's first
# active case by id: 200 notes, 10 plan versions) is named in the demo's output.
#
# It fills a fresh store (timing `lotse demo`; SQLite by default, with --db
# postgresql a database in a private, durable PostgreSQL cluster in the temp
# dir, tools/pg-cluster.sh --bench), starts `lotse serve` (with --servers 2 two
# of them over the same database behind a private nginx as load balancer), signs
# in as fm1 twice (an API token from POST /api/v1/tokens; a browser session
# through GET /login + POST /login with the double-submit _csrf), checks each
# target once, and drives it with `wrk --latency`:
#   worklist   GET /                      (HTML, session cookie)      16 connections
#              GET /api/v1/worklist       (JSON, Bearer token)        16 connections
#   case page  GET /cases/{showcase}      (HTML, session cookie)      1 and 16
#              GET /api/v1/cases/{id}/timeline (JSON, 200 items)      1 and 16
#   search     GET /api/v1/search?q=PRE   (JSON, Bearer token)        1 and 16
#              GET /search?q=PRE          (HTML, session cookie)      1 and 16
# wrk's latencies include the loopback round trip and wrk's own share of the 2
# cores. Server-side times come from the servers themselves: the access log (one
# line per request with its time from request to queued response, in µs
# resolution) gives exact percentiles per run, and /metrics' per-route histogram
# the share of requests under 2 and 5 ms; with two servers, both combined.
#
# A benchmark is not a test: it reports, it does not fail on a slow machine. It
# exits non-zero only when it could not measure (no binary, a tool missing, the
# server not starting).
#
# Knobs (environment): LOTSE (binary, default build/src/lotse), BENCH_CLIENTS
# (1000000), BENCH_DURATION (10s), BENCH_THREADS (2), BENCH_SEARCH (the prefix,
# default: the most common 3-letter prefix of fm1's clients' last names),
# BENCH_DB_URL (an existing store, sqlite:PATH or postgresql://…, made by `lotse
# demo` with BENCH_PASSWORD, reused instead of filling a new one; it is not
# removed; BENCH_DB=PATH is BENCH_DB_URL=sqlite:PATH), and any
# LOTSE_<SECTION>_<KEY>. Every process started here is stopped and the temp dir
# removed on every way out (bench/lib.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LOTSE=${LOTSE:-$ROOT/build/src/lotse}
CLIENTS=${BENCH_CLIENTS:-1000000}
DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
PASSWORD=${BENCH_PASSWORD:-lotse-demo-2026}
GOAL_WL_P99_MS=5 GOAL_CASE_MS=5 GOAL_SEARCH_MS=2
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
bench_supervise "$@"

usage() {
  sed -n '2,43p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

bench_parse_args "$@"
bench_need wrk curl python3 setsid
[ "$N_SERVERS" -eq 1 ] || bench_need nginx
bench_begin lotse-casework
: >"$TMP/skipped"

machine_idle
[ -n "${BENCH_DB_URL:-}" ] || say "1,000,000 clients take a few minutes to fill"
bench_store

# The showcase case: named in the demo's output; for a reused store, the same
# rule (fm1's first active case by id). fm1's caseload and the search prefix
# come from the store too (read-only, before the servers start).
IFS=$'\t' read -r FM1 JC < <(store_sql "SELECT id, jobcenter_id FROM users WHERE username = 'fm1'") ||
  die "the store has no user fm1"
export P_fm=$FM1 P_jc=$JC
SHOWCASE=$(sed -n 's/^showcase case .*: \(cs_[A-Za-z0-9_]*\).*/\1/p' "$DEMO_LOG" | head -n1)
[ -n "$SHOWCASE" ] || SHOWCASE=$(store_sql "SELECT min(id) FROM cases WHERE jobcenter_id = :jc
  AND case_manager_id = :fm AND status = 'active'")
[ -n "$SHOWCASE" ] || die "fm1 has no active case"
export P_case=$SHOWCASE
N_CASES=$(store_sql "SELECT count(*) FROM cases WHERE jobcenter_id = :jc AND case_manager_id = :fm")
N_ACTIVE=$(store_sql "SELECT count(*) FROM cases WHERE jobcenter_id = :jc AND case_manager_id = :fm
  AND status = 'active'")
N_NOTES=$(store_sql "SELECT count(*) FROM notes WHERE case_id = :case")
N_PLANS=$(store_sql "SELECT count(*) FROM plans WHERE case_id = :case")
PREFIX=${BENCH_SEARCH:-}
if [ -z "$PREFIX" ]; then
  PREFIX=$(store_sql "SELECT c.last_name FROM cases k JOIN clients c ON c.id = k.client_id
    WHERE k.jobcenter_id = :jc AND k.case_manager_id = :fm" |
    python3 -c 'import collections, sys
print(collections.Counter(n.rstrip("\n")[:3] for n in sys.stdin).most_common(1)[0][0])')
fi
[ -n "$PREFIX" ] || die "could not read the store"
Q=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$PREFIX")

# ---- lotse serve, and signing in ----------------------------------------------------
bench_servers
signin_api
signin_web || say "browser sign-in failed: the HTML targets are skipped ($EXPECT_GOT)"

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
for t in "${RUN[@]}"; do
  IFS='|' read -r name route path hdr conns label <<<"$t"
  h=$AUTH; [ "$hdr" = cookie ] && h=$COOKIE
  for c in $conns; do wrk_measure "$name" "$route" "$c" "$BASE$path" -H "$h"; done
done
servers_alive

# ---- report -------------------------------------------------------------------
CPU=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
LABELS=$(printf '%s\n' "${TARGETS[@]}")
python3 - "$TMP/results" "$TMP/sizes" <<PY
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
sizes = {l.split()[0]: l.split()[1:] for l in open(sys.argv[2]) if l.strip()}
labels = {}
for t in """$LABELS""".splitlines():
    f = t.split("|")
    labels[f[0]] = f[5]
R = {(r["name"], r["conns"]): r for r in rows}
db, servers = "$DB_KIND", $N_SERVERS
config = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[db] + f", {servers} server{'s' if servers > 1 else ''}"
groups = [g.split("=")[0] for g in """${CPU_GROUPS[*]}""".split()]
parts = groups if len(groups) > 1 else []
counted = {"lotse": "lotse serve" + (" (both servers)" if servers > 1 else ""),
           "pg": "PostgreSQL (the postmaster and all its processes)",
           "lb": "nginx as load balancer"}
def f(v, fmt):
    return "-" if v is None else format(v, fmt)
print()
print(f"lotse case-work benchmark — {config}, ${CLIENTS_DESC}; fm1: ${N_CASES} cases (${N_ACTIVE} active);"
      " showcase case ${SHOWCASE}: ${N_NOTES} notes, ${N_PLANS} plan versions; search prefix '${PREFIX}'")
print("wrk -t${THREADS} (-t1 at 1 connection) -d${DURATION} --latency; server = the servers' own time"
      " per request (access log), <2/<5 ms = share of requests under 2/5 ms (/metrics histogram),"
      " CPU us = CPU time per request of " + " + ".join(counted[g] for g in groups)
      + (" (then each alone)" if parts else "")
      + "; non-2xx = answers other than 2xx (access logs; wrk: status >= 400)")
print()
head = (f"{'target':<44} {'conns':>5} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'srv p50':>8}"
        f" {'srv p99':>8} {'srv max':>8} {'<2 ms':>6} {'<5 ms':>6} {'CPU us':>6}")
for g in parts:
    head += f" {g + ' us':>8}"
print(head + f" {'non-2xx':>7} {'err':>4} {'bytes':>7}")
for r in rows:
    name, c = r["name"], r["conns"]
    size = sizes.get(name, ["-"])[0]
    line = (f"{labels.get(name, name):<44} {c:>5} {r['rps']:>8.0f} {r['p50']:>7.2f} {r['p99']:>7.2f}"
            f" {f(r['srv_p50'], '.2f'):>8} {f(r['srv_p99'], '.2f'):>8} {f(r['srv_max'], '.2f'):>8}"
            f" {f(r['under2'], '.1f'):>5}% {f(r['under5'], '.1f'):>5}% {sum(r['cpu_us'].values()):>6.0f}")
    for g in parts:
        line += f" {r['cpu_us'][g]:>8.0f}"
    print(line + f" {r['non2xx']:>7} {r['errors']:>4} {size:>7}")
if servers > 1:
    print("2xx answers per server (server 1/server 2): "
          + ", ".join(f"{r['name']} at {r['conns']}: {r['per_server'][0]}/{r['per_server'][1]}" for r in rows))
print()
def get(name, c, key):
    r = R.get((name, c))
    return r.get(key) if r else None
def verdict(v, limit):
    return "not measured" if v is None else ("met" if v < limit else "MISSED")
goals = [
    ("(1) worklist p99 < $GOAL_WL_P99_MS ms at 16 conns, HTML GET /", get("worklist_html", 16, "p99"), $GOAL_WL_P99_MS),
    ("(1) worklist p99 < $GOAL_WL_P99_MS ms at 16 conns, JSON /api/v1/worklist", get("worklist_api", 16, "p99"), $GOAL_WL_P99_MS),
    ("(1) worklist p99 < $GOAL_WL_P99_MS ms at 16 conns, HTML, server p99", get("worklist_html", 16, "srv_p99"), $GOAL_WL_P99_MS),
    ("(2) case page < $GOAL_CASE_MS ms, 1 conn, p99", get("case_html", 1, "p99"), $GOAL_CASE_MS),
    ("(2) case page < $GOAL_CASE_MS ms, 1 conn, server p99", get("case_html", 1, "srv_p99"), $GOAL_CASE_MS),
    ("(2) case page < $GOAL_CASE_MS ms, 16 conns, p99", get("case_html", 16, "p99"), $GOAL_CASE_MS),
    ("(2) case page < $GOAL_CASE_MS ms, 16 conns, server p99", get("case_html", 16, "srv_p99"), $GOAL_CASE_MS),
    ("(3) search < $GOAL_SEARCH_MS ms, 1 conn, p99", get("search_api", 1, "p99"), $GOAL_SEARCH_MS),
    ("(3) search < $GOAL_SEARCH_MS ms, 1 conn, server p99", get("search_api", 1, "srv_p99"), $GOAL_SEARCH_MS),
    ("(3) search < $GOAL_SEARCH_MS ms, 16 conns, p99", get("search_api", 16, "p99"), $GOAL_SEARCH_MS),
    ("(3) search < $GOAL_SEARCH_MS ms, 16 conns, server p99", get("search_api", 16, "srv_p99"), $GOAL_SEARCH_MS),
]
print(f"{'goal':<62} {'measured':>10}  verdict")
for text, v, limit in goals:
    print(f"{text:<62} {('-' if v is None else f'{v:.2f} ms'):>10}  {verdict(v, limit)}")
print()
for name, s in sizes.items():
    print(f"  {labels.get(name, name)}: {s[0]} bytes, {' '.join(s[1:])} items")
PY
if [ -s "$TMP/skipped" ]; then
  echo; echo "NOT MEASURED (the target did not answer as expected before the run, or wrk failed):"
  sed 's/^/  /' "$TMP/skipped"
fi
cat <<EOF

How measured: $(nproc) cores ($CPU); wrk ($THREADS threads) and the servers share
these cores over loopback. Each figure is one wrk run of $DURATION.
Store: $STORE_DESC.
Servers: $SERVERS_DESC.
Every request of these targets is audited (one audit entry, committed before the
answer). CPU idle in the 3 s before the run: $IDLE_BEFORE %; load average before:
$LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the cores lowers every figure).
EOF
