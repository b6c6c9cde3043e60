#!/usr/bin/env bash
# bench/stores.sh — SQLite and PostgreSQL side by side (docs/performance.md,
# "SQLite and PostgreSQL").
#
#   bash bench/stores.sh [--db sqlite|postgresql] [--results DIR]
#
# Issue 4 asks for the same benchmark on both stores with 1,000,000 clients:
# the audited case read, the case page, the worklist and a write (a new note),
# for PostgreSQL also with two app servers behind nginx as load balancer; the
# goal is PostgreSQL's throughput at least half of SQLite's for each, with
# p99 under 20 ms at 64 connections.
#
# For each store this fills one store with `lotse demo --clients
# $BENCH_CLIENTS` (as bench/run.sh would: a SQLite file, or a database in a
# private PostgreSQL cluster started with tools/pg-cluster.sh --bench, then
# VACUUM (ANALYZE) and CHECKPOINT), and runs bench/run.sh on it
# (BENCH_DB_URL): SQLite with one server, PostgreSQL with one and then two
# servers. Each run prints its full report; at the end the targets of the
# issue are printed side by side, with the goals. The store of each kind is
# filled once and removed at the end (the two PostgreSQL runs share it, so
# the second sees the notes and clients the first wrote).
#
# Without --db both stores are measured, SQLite first. --db measures one;
# with --results DIR the results are kept in DIR as JSON (one file per
# configuration, written by run.sh's BENCH_RESULTS), and the side-by-side
# table shows every configuration found in DIR, so that two commands
# (`--db sqlite --results DIR`, then `--db postgresql --results DIR`) give the
# same comparison as one. BENCH_DB_URL (with the matching --db) reuses an
# existing store instead of filling one, as in run.sh.
#
# Knobs: as bench/run.sh (LOTSE, BENCH_CLIENTS default here 1000000,
# BENCH_DURATION, BENCH_THREADS, BENCH_CONNECTIONS, BENCH_PASSWORD,
# BENCH_DB_URL, LOTSE_<SECTION>_<KEY>). Every process started here is stopped
# and the temp dir removed on every way out (bench/lib.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
LOTSE=${LOTSE:-$ROOT/build/src/lotse}
CLIENTS=${BENCH_CLIENTS:-1000000}
DURATION=${BENCH_DURATION:-10s}
THREADS=${BENCH_THREADS:-2}
PASSWORD=${BENCH_PASSWORD:-lotse-demo-2026}
GOAL_SHARE=0.5 GOAL_P99_MS=20 GOAL_CONNS=64
# shellcheck source=bench/lib.sh
. "$ROOT/bench/lib.sh"
bench_supervise "$@"

usage() {
  sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

STORES=() RESULTS=''
while [ "$#" -gt 0 ]; do
  case "$1" in
    --db) [ "$#" -ge 2 ] || die "--db needs sqlite or postgresql"; STORES=("$2"); shift 2 ;;
    --db=*) STORES=("${1#--db=}"); shift ;;
    --results) [ "$#" -ge 2 ] || die "--results needs a folder"; RESULTS=$2; shift 2 ;;
    --results=*) RESULTS=${1#--results=}; shift ;;
    -h|--help) usage ;;
    *) die "unknown argument '$1' (--help says what there is)" ;;
  esac
done
[ -z "${BENCH_DB:-}" ] || BENCH_DB_URL=${BENCH_DB_URL:-sqlite:$BENCH_DB}
URL_KIND=''
case "${BENCH_DB_URL:-}" in
  '') ;;
  sqlite:*) URL_KIND=sqlite ;;
  postgresql://*|postgres://*) URL_KIND=postgresql ;;
  *) die "BENCH_DB_URL must be sqlite:PATH or postgresql://…" ;;
esac
if [ "${#STORES[@]}" -eq 0 ]; then
  if [ -n "$URL_KIND" ]; then STORES=("$URL_KIND"); else STORES=(sqlite postgresql); fi
fi
case "${STORES[0]}" in
  sqlite|postgresql) ;;
  *) die "--db must be sqlite or postgresql, not '${STORES[0]}'" ;;
esac
[ -z "$URL_KIND" ] || [ "${STORES[*]}" = "$URL_KIND" ] ||
  die "BENCH_DB_URL is a $URL_KIND store: give --db $URL_KIND (one store at a time)"

DB_KIND=${STORES[-1]}   # bench_need looks for psql when PostgreSQL is among them
bench_need wrk nginx curl python3 setsid
bench_begin lotse-stores
if [ -n "$RESULTS" ]; then
  mkdir -p "$RESULTS"
  RESULTS=$(cd "$RESULTS" && pwd)
else
  RESULTS=$TMP/results
  mkdir -p "$RESULTS"
fi

for DB_KIND in "${STORES[@]}"; do
  FILL_S=0 PG_PM_PID=''
  bench_store
  servers=(1)
  [ "$DB_KIND" = sqlite ] || servers=(1 2)
  for n in "${servers[@]}"; do
    say "bench/run.sh --db $DB_KIND --servers $n on this store"
    BENCH_DB_URL=$DB_URL BENCH_PASSWORD=$PASSWORD BENCH_RESULTS=$RESULTS/$DB_KIND-$n.json \
      LOTSE=$LOTSE BENCH_DURATION=$DURATION BENCH_THREADS=$THREADS \
      bg_wait bash "$ROOT/bench/run.sh" --db "$DB_KIND" --servers "$n" ||
      say "bench/run.sh --db $DB_KIND --servers $n failed (exit $?); the others still run"
  done
  printf '%s\n' "$STORE_DESC" >"$RESULTS/$DB_KIND.store"
  # the store is no longer needed: free its disk and memory for the next one
  if [ -n "$PG_DIR" ]; then
    "$ROOT/tools/pg-cluster.sh" stop "$PG_DIR" >/dev/null 2>&1 || die "could not stop the cluster in $PG_DIR"
    PG_DIR=''
  elif [ "$DB_REUSED" = no ] && [ "$DB_KIND" = sqlite ]; then
    rm -f "${DB_URL#sqlite:}"*
  fi
  unset BENCH_DB_URL
  DB_REUSED=no
done

# ---- side by side -----------------------------------------------------------
python3 - "$RESULTS" <<PY
import glob, json, os, sys
runs = []
for fn in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    try:
        runs.append(json.load(open(fn)))
    except ValueError:
        print(f"(skipping {fn}: not a results file)")
order = {("sqlite", 1): 0, ("postgresql", 1): 1, ("postgresql", 2): 2}
runs.sort(key=lambda r: order.get((r["config"]["db"], r["config"]["servers"]), 9))
if not runs:
    print("no results to compare"); sys.exit(0)
names = ["case_json", "case_html", "worklist_json", "worklist_html", "post_note", "post_client"]
short = runs[0]["short"]
R = {(i, r["name"], r["conns"]): r for i, run in enumerate(runs) for r in run["rows"]}
conns = sorted({r["conns"] for run in runs for r in run["rows"] if r["name"] != "nginx"})
base = next((i for i, run in enumerate(runs) if run["config"]["db"] == "sqlite"), None)
print()
print("=" * 100)
print(f"lotse stores side by side — stores filled with $CLIENTS demo clients,"
      f" wrk -t{runs[0]['config']['threads']} -d{runs[0]['config']['duration']} --latency")
print()
print(f"{'target':<18} {'conns':>5}  {'configuration':<22} {'req/s':>8} {'of SQLite':>9} {'p50 ms':>7}"
      f" {'p99 ms':>7} {'srv p99':>8} {'CPU us/req':>10} {'non-2xx':>8} {'errors':>6}")
for name in names:
    for c in conns:
        first = True
        for i, run in enumerate(runs):
            r = R.get((i, name, c))
            if not r:
                continue
            b = R.get((base, name, c)) if base is not None else None
            share = f"{100 * r['rps'] / b['rps']:.0f} %" if b and b["rps"] else "-"
            srv = "-" if r.get("srv_p99") is None else f"{r['srv_p99']:.2f}"
            print(f"{short[name] if first else '':<18} {c if first else '':>5}  {run['config']['label']:<22}"
                  f" {r['rps']:>8.0f} {share:>9} {r['p50']:>7.2f} {r['p99']:>7.2f} {srv:>8}"
                  f" {sum(r['cpu_us'].values()):>10.0f} {r['non2xx']:>8} {r['errors']:>6}")
            first = False
print("CPU us/req: per request, lotse serve (both servers) + PostgreSQL (the postmaster and all its"
      " processes) + nginx as load balancer, where there are; each alone in the runs' own reports.")
print()
g = $GOAL_CONNS
print(f"{'goal (issue 4), at ' + str(g) + ' connections':<64} {'measured':>10}  verdict")
for i, run in enumerate(runs):
    if run["config"]["db"] != "postgresql":
        continue
    label = run["config"]["label"]
    for name in names[:5]:
        r = R.get((i, name, g))
        if not r:
            print(f"{label + ': ' + short[name]:<64} {'-':>10}  not measured")
            continue
        b = R.get((base, name, g)) if base is not None else None
        if b:
            share = r["rps"] / b["rps"]
            print(f"{label + ': ' + short[name] + ' req/s >= 50 % of SQLite':<64} {100 * share:>8.0f} %"
                  f"  {'met' if share >= $GOAL_SHARE else 'MISSED'}")
        else:
            print(f"{label + ': ' + short[name] + ' req/s >= 50 % of SQLite':<64} {'-':>10}  no SQLite run")
        print(f"{label + ': ' + short[name] + ' p99 < $GOAL_P99_MS ms':<64} {r['p99']:>7.2f} ms"
              f"  {'met' if r['p99'] < $GOAL_P99_MS else 'MISSED'}")
print()
for db in ("sqlite", "postgresql"):
    fn = os.path.join(sys.argv[1], db + ".store")
    if os.path.exists(fn):
        print(f"The {db} store, as filled by bench/stores.sh: {open(fn).read().strip()}.")
print()
for run in runs:
    print(f"--- {run['config']['label']}:")
    print(run["config"]["how"])
    print()
PY
