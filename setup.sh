#!/usr/bin/env bash
# setup.sh — install what lotse needs, build it, start it, test it, benchmark it.
#
#   ./setup.sh deps    install missing Debian packages, locales and npm packages
#   ./setup.sh build   deps, then meson setup (once) and ninja
#   ./setup.sh start   build, create var/lotse.db with demo data (once), serve on
#                      http://127.0.0.1:8080
#   ./setup.sh test    build, run every test plainly and again under ASan+UBSan
#                      (the PostgreSQL ones on a private throw-away cluster),
#                      close with one line "N passed, M failed"
#   ./setup.sh bench [--db sqlite|postgresql] [--servers 1|2]
#                      build, install wrk and nginx (and PostgreSQL for --db
#                      postgresql), run bench/run.sh with these options
#                      (bench/stores.sh compares the stores side by side)
#
# Written for Debian 12 (root, or a user with sudo). Every step is idempotent:
# it installs or rebuilds only what is missing or stale, and is quiet unless it
# fails, when it prints the failing command's output. Nothing here relies on
# anything installed by hand.
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")"
export DEBIAN_FRONTEND=noninteractive

# The demo password is fixed so that README.md can print it. It protects demo
# data only; a real installation creates its users with `lotse user add`.
readonly DEMO_PASSWORD='lotse-demo-2026'
readonly DEMO_DB='var/lotse.db'
readonly LISTEN='127.0.0.1:8080'

# Debian packages the build, the tests and `start` need (binary: package).
readonly PACKAGES=(
  gcc pkg-config meson ninja-build
  libmicrohttpd-dev libsqlite3-dev libjansson-dev libsodium-dev libinih-dev
  libcmocka-dev libcurl4-openssl-dev
  gettext locales tzdata sqlite3 ca-certificates git clang-format curl
  chromium            # browser tests (playwright-core drives /usr/bin/chromium)
  fonts-liberation2   # a font for headless chromium pages and letters
  postgresql          # server programs for the test cluster (tools/pg-cluster.sh);
                      # installed without starting Debian's own cluster
  libpq-dev           # the PostgreSQL backend (src/store/pg)
  libcsv-dev          # CSV for `lotse import` (src/cmd/import.c)
)

SUDO=()
if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi

say()  { printf 'setup: %s\n' "$*"; }
fail() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

# quietly CMD...: run CMD with its output kept in a file; show it only when
# CMD fails, then stop with CMD's exit status.
quietly() {
  local out rc=0
  out=$(mktemp)
  "$@" >"$out" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    cat "$out" >&2
    rm -f "$out"
    printf 'setup: error: command failed (exit %d): %s\n' "$rc" "$*" >&2
    exit "$rc"
  fi
  rm -f "$out"
}

installed() {  # installed PKG: is the Debian package installed?
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

APT_UPDATED=0
apt_install() {  # apt_install PKG...: install those of PKG... that are missing
  local missing=() p
  for p in "$@"; do installed "$p" || missing+=("$p"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get >/dev/null || fail "missing packages ${missing[*]}, and no apt-get to install them"
  say "installing ${missing[*]}"
  if [ "$APT_UPDATED" -eq 0 ]; then
    quietly "${SUDO[@]}" apt-get update -q
    APT_UPDATED=1
  fi
  quietly "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

ensure_locales() {  # de_DE.UTF-8 and en_US.UTF-8, for the German and English UI
  local want=() l have
  have=$(locale -a 2>/dev/null | tr '[:upper:]' '[:lower:]' | sed 's/utf-8/utf8/')
  for l in de_DE en_US; do
    printf '%s\n' "$have" | grep -qx "$(printf '%s.utf8' "$l" | tr '[:upper:]' '[:lower:]')" ||
      want+=("$l")
  done
  [ "${#want[@]}" -eq 0 ] && return 0
  say "generating locales ${want[*]/%/.UTF-8}"
  for l in "${want[@]}"; do
    if grep -qE "^[#[:space:]]*${l}\.UTF-8 UTF-8" /etc/locale.gen 2>/dev/null; then
      quietly "${SUDO[@]}" sed -i -E "s/^[#[:space:]]*(${l}\.UTF-8 UTF-8)/\1/" /etc/locale.gen
    else
      printf '%s.UTF-8 UTF-8\n' "$l" | "${SUDO[@]}" tee -a /etc/locale.gen >/dev/null
    fi
  done
  quietly "${SUDO[@]}" locale-gen
}

ensure_node() {  # Debian's nodejs/npm only when there is no node or npm at all
  local want=()
  command -v node >/dev/null || want+=(nodejs)
  command -v npm  >/dev/null || want+=(npm)
  [ "${#want[@]}" -eq 0 ] || apt_install "${want[@]}"
}

ensure_npm_packages() {  # npm ci when node_modules is missing or older than the lock
  if [ ! -d node_modules ] || [ ! -e node_modules/.package-lock.json ] ||
     [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm packages (npm ci)"
    quietly npm ci --no-audit --no-fund
    touch node_modules/.package-lock.json
  fi
}

# apt_install_no_start PKG...: apt_install, but Debian starts no service of
# what it installs (postgresql would start its system cluster on port 5432,
# nginx a server on port 80): a policy-rc.d that says "no" while apt-get runs.
# A policy-rc.d that is already there stays as it is.
apt_install_no_start() {
  local missing=() p
  for p in "$@"; do installed "$p" || missing+=("$p"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  local policy=/usr/sbin/policy-rc.d made_policy=0 rc=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee "$policy" >/dev/null
    quietly "${SUDO[@]}" chmod 755 "$policy"
    made_policy=1
  fi
  ( apt_install "${missing[@]}" ) || rc=$?
  [ "$made_policy" -eq 0 ] || "${SUDO[@]}" rm -f "$policy"
  [ "$rc" -eq 0 ] || exit "$rc"
  APT_UPDATED=1  # the subshell ran apt-get update
}

cmd_deps() {
  apt_install_no_start "${PACKAGES[@]}"
  ensure_locales
  [ -e /usr/share/zoneinfo/Europe/Berlin ] || fail "tzdata is installed but Europe/Berlin is missing"
  ensure_node
  ensure_npm_packages
}

# build_dir DIR [MESON OPTION...]: configure DIR once (again when the options
# change; they are kept in DIR/.setup-options), then bring it up to date.
build_dir() {
  local dir=$1 had=''
  shift
  [ -f "$dir/.setup-options" ] && had=$(cat "$dir/.setup-options")
  if [ ! -f "$dir/build.ninja" ] || [ ! -f "$dir/meson-private/coredata.dat" ] ||
     [ "$had" != "$*" ]; then
    say "configuring $dir${*:+ with $*}"
    rm -rf "$dir"
    quietly meson setup "$dir" "$@"
    printf '%s' "$*" >"$dir/.setup-options"
  fi
  quietly ninja -C "$dir"
}

cmd_build() {
  cmd_deps
  build_dir build
}

cmd_start() {
  cmd_build
  mkdir -p var
  if [ ! -f "$DEMO_DB" ]; then
    say "creating $DEMO_DB with demo data"
    # an audit file left from an earlier store would not match the new one
    rm -f "$DEMO_DB-wal" "$DEMO_DB-shm" "$DEMO_DB-audit" "$DEMO_DB-audit-wal" "$DEMO_DB-audit-shm"
    local rc=0 out
    out=$(build/src/lotse demo --db "sqlite:$DEMO_DB" --password "$DEMO_PASSWORD" 2>&1 </dev/null) || rc=$?
    if [ "$rc" -ne 0 ]; then
      printf '%s\n' "$out" >&2
      rm -f "$DEMO_DB" "$DEMO_DB-wal" "$DEMO_DB-shm" "$DEMO_DB-audit" "$DEMO_DB-audit-wal" \
        "$DEMO_DB-audit-shm"
      fail "lotse demo failed (exit $rc)"
    fi
  fi
  cat <<EOF

lotse: http://$LISTEN
demo logins (password for all: $DEMO_PASSWORD)
  admin        administration
  tl1          team lead of fm1-fm3
  fm1 fm2 fm3  case managers (tl1's team)
  fm4          case manager in the other Jobcenter
  dpo1         data protection officer
  av1          placement officer
  an1          analyst
Stop with Ctrl-C. Delete the folder var/ to start over with fresh demo data.

EOF
  exec build/src/lotse serve --db "sqlite:$DEMO_DB" --listen "$LISTEN"
}

# run_suite DIR LABEL [MESON TEST OPTION...]: run meson test in DIR and add
# its results from DIR/meson-logs/testlog.json (one JSON object a line) to
# the totals. A run that leaves no log counts as one failure.
PASSED=0 FAILED=0 SKIPPED=0 ANY_RC=0
run_suite() {
  local dir=$1 label=$2 rc=0 log counts p f s
  shift 2
  log="$dir/meson-logs/testlog.json"
  rm -f "$log"
  say "running the tests in $dir ($label)"
  meson test -C "$dir" --print-errorlogs "$@" </dev/null || rc=$?
  [ "$rc" -eq 0 ] || ANY_RC=$rc
  if [ ! -s "$log" ]; then
    say "$label: no test log: the run broke before any test ran"
    FAILED=$((FAILED + 1)) ANY_RC=1
    return 0
  fi
  counts=$(python3 - "$log" <<'PY'
import json, sys
passed = failed = skipped = 0
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        if not line.strip():
            continue
        result = json.loads(line).get("result")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:                       # FAIL, TIMEOUT, ERROR, UNEXPECTEDPASS, ...
            failed += 1
print(passed, failed, skipped)
PY
  )
  read -r p f s <<<"$counts"
  say "$label: $p passed, $f failed, $s skipped"
  PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
}

# build_then_test DIR LABEL [MESON SETUP OPTION...]: a build that fails counts
# as one failure, and the other build still runs its tests.
build_then_test() {
  local dir=$1 label=$2 rc=0
  shift 2
  ( build_dir "$dir" "$@" ) || rc=$?
  if [ "$rc" -ne 0 ]; then
    say "$label: the build failed, so none of its tests ran"
    FAILED=$((FAILED + 1)) ANY_RC=1
    return 0
  fi
  if [ "$dir" = build-asan ]; then
    run_suite "$dir" "$label" --timeout-multiplier 3
  else
    run_suite "$dir" "$label"
  fi
}

# The PostgreSQL tests' private cluster (tools/pg-cluster.sh): started once
# for both builds in a fresh folder under /tmp, stopped and removed on every
# way out of this script (the EXIT trap; INT, TERM and HUP exit through it).
PG_TEST_DIR=''
stop_test_cluster() {
  [ -n "$PG_TEST_DIR" ] || return 0
  tools/pg-cluster.sh stop "$PG_TEST_DIR" ||
    say "could not stop the PostgreSQL test cluster in $PG_TEST_DIR"
  PG_TEST_DIR=''
}

# A cluster that does not start counts as one failure; the other tests still
# run (the PostgreSQL ones skip without LOTSE_TEST_PG_*).
start_test_cluster() {
  local exports rc=0
  unset LOTSE_TEST_PG_HOST LOTSE_TEST_PG_PORT LOTSE_TEST_PG_USER
  trap stop_test_cluster EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # under /tmp, not $TMPDIR: as root the cluster runs as "nobody", who must
  # reach the folder, and its socket path must stay short
  PG_TEST_DIR=$(mktemp -d /tmp/lotse-pg.XXXXXX)
  say "starting a PostgreSQL test cluster in $PG_TEST_DIR"
  exports=$(tools/pg-cluster.sh start "$PG_TEST_DIR") || rc=$?
  if [ "$rc" -ne 0 ]; then
    say "the PostgreSQL test cluster did not start (exit $rc); its tests will skip"
    FAILED=$((FAILED + 1)) ANY_RC=1
    stop_test_cluster
    return 0
  fi
  eval "$exports"
}

cmd_test() {
  cmd_deps
  start_test_cluster
  build_then_test build "plain build"
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # -Werror stays on in the plain build; with sanitizers GCC 12 warns about
  # code it instrumented itself (e.g. "null format string" on vsnprintf), so
  # the sanitizer build does not turn warnings into errors.
  build_then_test build-asan "ASan+UBSan build" \
    -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=false
  unset ASAN_OPTIONS UBSAN_OPTIONS
  stop_test_cluster

  [ "$SKIPPED" -eq 0 ] || say "skipped: $SKIPPED"
  echo "$PASSED passed, $FAILED failed"
  if [ "$FAILED" -ne 0 ] || [ "$ANY_RC" -ne 0 ]; then exit 1; fi
}

cmd_bench() {
  cmd_build
  # Debian starts a service when its package is installed; the policy-rc.d
  # of apt_install_no_start keeps the system nginx from starting on port 80
  # (and the system PostgreSQL cluster on port 5432).
  local packages=(wrk nginx curl python3) arg want_pg=no
  for arg in "$@"; do
    case "$arg" in
      postgresql|--db=postgresql) want_pg=yes ;;
    esac
  done
  case "${BENCH_DB_URL:-}" in postgresql://*|postgres://*) want_pg=yes ;; esac
  # the server programs for the private cluster (tools/pg-cluster.sh --bench),
  # and psql; deps installs them for the tests too
  [ "$want_pg" = no ] || packages+=(postgresql)
  apt_install_no_start "${packages[@]}"
  exec bash bench/run.sh "$@"
}

usage() {
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

[ "$#" -ge 1 ] || usage
[ "$#" -eq 1 ] || [ "$1" = bench ] || usage
case "$1" in
  deps)  cmd_deps ;;
  build) cmd_build ;;
  start) cmd_start ;;
  test)  cmd_test ;;
  bench) shift; cmd_bench "$@" ;;
  -h|--help|help) usage ;;
  *) usage ;;
esac
