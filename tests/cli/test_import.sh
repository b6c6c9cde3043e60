#!/bin/bash
# tests/cli/test_import.sh — `lotse import` (docs/import.md) against real stores:
# a good file (clients and cases, CRLF, a byte order mark, quoted fields with a
# comma, a line break and quotes, both date forms) imports, the store's counts
# grow by what it held, `worklist check` and `audit verify` pass and the audit
# trail holds one entry per client and case and one for the import; a file
# with bad rows is reported row by row with the line each record starts on,
# exits 1, and stores nothing (nor in a dry run, nor in a real run); a second
# import of the good file refuses every row as a duplicate; the caseload cap
# refuses, it does not override; file errors (an open quote, a missing
# column) stop the reading. The SQLite part always runs; the PostgreSQL part
# runs in a database of the private cluster named by LOTSE_TEST_PG_HOST,
# _PORT and _USER (tools/pg-cluster.sh) and is skipped with a message without
# them. Prints "N passed, M failed".
set -u
LOTSE=${LOTSE_BIN:?LOTSE_BIN must name the lotse binary}
dir=$(mktemp -d /tmp/lotse-import-XXXXXX)
pgdb=lotse_import_$$
pg_made=0
pass=0
fail=0
cleanup() {
    if [ "$pg_made" = 1 ]; then
        psql -X -q -h "$LOTSE_TEST_PG_HOST" -p "$LOTSE_TEST_PG_PORT" -U "$LOTSE_TEST_PG_USER" \
            -d postgres -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" >/dev/null 2>&1
    fi
    rm -rf "$dir"
}
trap cleanup EXIT
. "$(dirname "$(readlink -f "$0")")/lib.sh"   # check
# exits CODE OUT COMMAND…: COMMAND must exit with CODE; its output goes to OUT
exits() {
    local code=$1 out=$2
    shift 2
    "$@" >"$out" 2>&1
    local rc=$?
    [ "$rc" -eq "$code" ] || { echo "exit $rc, expected $code"; cat "$out"; return 1; }
}
# same_lines EXPECTED ACTUAL: the report lines ("line N: …") of ACTUAL are those of EXPECTED
same_lines() {
    diff <(sort "$1") <(grep '^line [0-9]*: ' "$2" | sort)
}

days_ago() { date -d "-$1 days" +%F; }
de_days_ago() { date -d "-$1 days" +%d.%m.%Y; }
JC='Jobcenter Musterstadt'
HEADER='customer_number,first_name,last_name,birth_date,street,postcode,city,phone,email,language,case_manager,referral_date,referral_source,referral_reason,consent_date'

# ---- the files ----
# good.csv: CRLF, a byte order mark, 5 rows (records on lines 2, 3, 4-6, 7, 8), 3 cases
{
    printf '\xef\xbb\xbf%s\r\n' "$HEADER"
    printf '700A000001,Anna,Albers,1980-02-01,Hauptstraße 1,12043,Musterstadt,030 1234,anna@example.org,de,fm1,%s,placement,Gesundheit,\r\n' "$(days_ago 30)"
    printf '700A000002,Berta,Brandt,01.03.1981,Ring 2,12045,Musterstadt,,,,fm2,%s,self,Schulden,%s\r\n' "$(de_days_ago 40)" "$(de_days_ago 10)"
    printf '700A000003,"Carl ""Charly""","Clausen, Dr.",1982-04-01,"Weg 3",12047,Musterstadt,,,tr,fm3,%s,placement,"Schulden, Wohnung\r\nund ""mehr""\r\n(drei Zeilen)",%s\r\n' "$(days_ago 20)" "$(days_ago 5)"
    printf '700A000004,Dora,Dahl,1983-05-01,Allee 4,12049,Musterstadt,,,,,,,,\r\n'
    printf '700A000005,Emil,Ernst,1984-06-01,Platz 5,12051,Musterstadt,,,,,,,,\r\n'
} >"$dir/good.csv"

# bad.csv (LF): an unknown column; good records on lines 2 and 3-5 (a quoted
# field with a comma, line breaks and quotes); one fault per line from 6 on
bad_file() {   # bad_file EXISTING_CUSTOMER_NUMBER
    printf '%s,note\n' "$HEADER"
    printf '710A000001,Anna,Albers,1980-02-01,Hauptstraße 1,12043,Musterstadt,,,,fm1,%s,self,Gesundheit,,x\n' "$(days_ago 3)"
    printf '710A000002,"Bo ""B""","Berg, von",1981-01-01,Ring 2,12045,Musterstadt,,,,fm2,%s,self,"a, b\nc ""d""\ne",,\n' "$(days_ago 3)"
    printf '710A000006,Cem,Cakir,31.02.1980,Weg 6,12045,Musterstadt,,,,,,,,,\n'
    printf '710A000001,Dana,Dorn,1980-01-01,Weg 7,12045,Musterstadt,,,,,,,,,\n'
    printf '%s,Ella,Eck,1980-01-01,Weg 8,12045,Musterstadt,,,,,,,,,\n' "$1"
    printf '710A000009,Fritz,Fink,1980-01-01,Weg 9,12045,Musterstadt,,,,nobody,%s,self,Schulden,,\n' "$(days_ago 3)"
    printf '710A000010,,Gans,1980-01-01,Weg 10,12045,Musterstadt,,,,,,,,,\n'
    printf '710A000011,Hans,Hahn,1980-01-01,Weg 11,12045,Musterstadt,,,,fm4,%s,self,Schulden,,\n' "$(days_ago 3)"
    printf '710A000012,Ida,Igel,1980-01-01,Weg 12,12045\n'
}
cat >"$dir/bad.expected" <<'EOF'
line 1: column "note": unknown column (see docs/import.md for the columns)
line 6: birth_date: must be a date YYYY-MM-DD or DD.MM.YYYY
line 7: customer_number: appears twice in the file (first on line 2)
line 8: customer_number: a client with this customer number is already registered
line 9: case_manager: is not a case manager of this Jobcenter
line 10: first_name: is required
line 11: case_manager: is not a case manager of this Jobcenter
line 12: the row has 6 fields, the header 16
EOF
cat >"$dir/dup.expected" <<'EOF'
line 2: customer_number: a client with this customer number is already registered
line 3: customer_number: a client with this customer number is already registered
line 4: customer_number: a client with this customer number is already registered
line 7: customer_number: a client with this customer number is already registered
line 8: customer_number: a client with this customer number is already registered
EOF
printf '%s\n700A000101,Anna,Albers,1980-02-01,"Weg 1,12043,Musterstadt,,,,,,,,\n' "$HEADER" >"$dir/open.csv"
printf 'customer_number,first_name,birth_date,street,postcode,city\n700A000102,A,1980-01-01,W 1,12043,M\n' >"$dir/nocol.csv"

# ---- SQLite ----
db="sqlite:$dir/s.db"
q() { sqlite3 "$dir/s.db" "$1"; }
qa() { sqlite3 "$dir/s.db-audit" "$1"; }
"$LOTSE" demo --db "$db" --clients 40 --seed 3 --password Import-Pass-1 >/dev/null ||
    { echo "FAIL demo data"; exit 1; }
jc=$(q "SELECT id FROM jobcenters WHERE name = '$JC'")
existing=$(q "SELECT customer_number FROM clients WHERE jobcenter_id = '$jc' ORDER BY id LIMIT 1")
bad_file "$existing" >"$dir/bad.csv"
clients0=$(q 'SELECT count(*) FROM clients')
cases0=$(q 'SELECT count(*) FROM cases')
audit0=$(qa 'SELECT count(*) FROM audit')

check "several Jobcenters: --jobcenter is required (exit 2)" \
    exits 2 "$dir/o" "$LOTSE" import --db "$db" "$dir/good.csv"
check "an unknown Jobcenter is refused (exit 2)" \
    exits 2 "$dir/o" "$LOTSE" import --db "$db" --jobcenter 'Jobcenter Nirgendwo' "$dir/good.csv"
check "a dry run of the good file exits 0 and counts what it would import" bash -c "
    $(declare -f exits); exits 0 '$dir/o' '$LOTSE' import --db '$db' --dry-run --jobcenter '$JC' '$dir/good.csv' &&
    grep -q '^dry run: 5 rows read, would import 5 clients and 3 cases, 0 rows refused' '$dir/o'"
check "a dry run writes nothing, not even an audit entry" bash -c "
    [ \"\$(sqlite3 '$dir/s.db' 'SELECT count(*) FROM clients')\" = $clients0 ] &&
    [ \"\$(sqlite3 '$dir/s.db-audit' 'SELECT count(*) FROM audit')\" = $audit0 ]"
check "the good file imports (exit 0)" bash -c "
    $(declare -f exits); exits 0 '$dir/o' '$LOTSE' import --db '$db' --jobcenter '$JC' '$dir/good.csv' &&
    grep -q '^imported 5 clients and 3 cases from 5 rows of good.csv' '$dir/o'"
check "the store holds 5 more clients and 3 more cases" bash -c "
    [ \"\$(sqlite3 '$dir/s.db' 'SELECT count(*) FROM clients')\" = $((clients0 + 5)) ] &&
    [ \"\$(sqlite3 '$dir/s.db' 'SELECT count(*) FROM cases')\" = $((cases0 + 3)) ]"
check "the rows hold the file's values (quotes, comma, line breaks, German dates)" bash -c "
    [ \"\$(sqlite3 '$dir/s.db' \"SELECT first_name || '|' || last_name FROM clients WHERE customer_number = '700A000003'\")\" = 'Carl \"Charly\"|Clausen, Dr.' ] &&
    [ \"\$(sqlite3 '$dir/s.db' \"SELECT birth_date FROM clients WHERE customer_number = '700A000002'\")\" = 1981-03-01 ] &&
    [ \"\$(sqlite3 '$dir/s.db' \"SELECT k.referral_reason FROM cases k JOIN clients c ON c.id = k.client_id WHERE c.customer_number = '700A000003'\")\" = \"\$(printf 'Schulden, Wohnung\r\nund \"mehr\"\r\n(drei Zeilen)')\" ] &&
    [ \"\$(sqlite3 '$dir/s.db' \"SELECT k.status || '|' || k.started_on || '|' || u.username FROM cases k JOIN clients c ON c.id = k.client_id JOIN users u ON u.id = k.case_manager_id WHERE c.customer_number = '700A000002'\")\" = \"active|$(days_ago 10)|fm2\" ] &&
    [ \"\$(sqlite3 '$dir/s.db' \"SELECT k.status || '|' || coalesce(k.consent_date, '-') FROM cases k JOIN clients c ON c.id = k.client_id WHERE c.customer_number = '700A000001'\")\" = 'referred|-' ]"
check "worklist check passes after the import" "$LOTSE" worklist check --db "$db"
check "audit verify passes after the import" "$LOTSE" audit verify --db "$db"
check "audited as the system: one entry per client and case, one for the import" bash -c "
    [ \"\$(sqlite3 '$dir/s.db-audit' \"SELECT count(*) FROM audit WHERE actor_id = 'system' AND jobcenter_id = '$jc' AND action = 'client.create' AND detail LIKE 'import im_%'\")\" = 5 ] &&
    [ \"\$(sqlite3 '$dir/s.db-audit' \"SELECT count(*) FROM audit WHERE actor_id = 'system' AND action = 'case.create' AND case_id IS NOT NULL\")\" = 3 ] &&
    [ \"\$(sqlite3 '$dir/s.db-audit' \"SELECT detail FROM audit WHERE action = 'import.run'\")\" = 'file good.csv: 5 rows, 5 clients, 3 cases' ]"
clients1=$(q 'SELECT count(*) FROM clients')
cases1=$(q 'SELECT count(*) FROM cases')
audit1=$(qa 'SELECT count(*) FROM audit')
check "a dry run of the bad file names every bad row by its first line (exit 1)" bash -c "
    $(declare -f exits same_lines); exits 1 '$dir/o' '$LOTSE' import --db '$db' --dry-run --jobcenter '$JC' '$dir/bad.csv' &&
    same_lines '$dir/bad.expected' '$dir/o' &&
    grep -q '^dry run: 9 rows read, would import 2 clients and 2 cases, 7 rows refused, 1 file error' '$dir/o'"
check "a real import of the bad file reports the same and exits 1" bash -c "
    $(declare -f exits same_lines); exits 1 '$dir/o' '$LOTSE' import --db '$db' --jobcenter '$JC' '$dir/bad.csv' &&
    same_lines '$dir/bad.expected' '$dir/o' && grep -q '^nothing imported: 9 rows read, 7 rows refused' '$dir/o'"
check "... and stores nothing" bash -c "
    [ \"\$(sqlite3 '$dir/s.db' 'SELECT count(*) FROM clients')\" = $clients1 ] &&
    [ \"\$(sqlite3 '$dir/s.db' 'SELECT count(*) FROM cases')\" = $cases1 ] &&
    [ \"\$(sqlite3 '$dir/s.db' \"SELECT count(*) FROM clients WHERE customer_number LIKE '710A%'\")\" = 0 ] &&
    [ \"\$(sqlite3 '$dir/s.db-audit' 'SELECT count(*) FROM audit')\" = $audit1 ]"
check "an unknown column alone refuses the file" bash -c "
    $(declare -f exits); head -2 '$dir/bad.csv' | sed 's/^710A/720A/' >'$dir/col.csv' &&
    exits 1 '$dir/o' '$LOTSE' import --db '$db' --jobcenter '$JC' '$dir/col.csv' &&
    grep -qx 'line 1: column \"note\": unknown column (see docs/import.md for the columns)' '$dir/o' &&
    [ \"\$(sqlite3 '$dir/s.db' \"SELECT count(*) FROM clients WHERE customer_number LIKE '720A%'\")\" = 0 ]"
check "importing the good file again refuses every row as a duplicate" bash -c "
    $(declare -f exits same_lines); exits 1 '$dir/o' '$LOTSE' import --db '$db' --jobcenter '$JC' '$dir/good.csv' &&
    same_lines '$dir/dup.expected' '$dir/o' &&
    [ \"\$(sqlite3 '$dir/s.db' 'SELECT count(*) FROM clients')\" = $clients1 ]"
fm1=$(q "SELECT id FROM users WHERE username = 'fm1'")
open1=$(q "SELECT count(*) FROM cases WHERE case_manager_id = '$fm1' AND status <> 'closed'")
{
    echo "$HEADER"
    echo "730A000001,Anna,Albers,1980-02-01,Weg 1,12043,Musterstadt,,,,fm1,$(days_ago 3),self,Gesundheit,"
    echo "730A000002,Bert,Berg,1980-02-01,Weg 2,12043,Musterstadt,,,,fm1,$(days_ago 3),self,Gesundheit,"
} >"$dir/cap.csv"
check "the caseload cap (from the configuration) refuses the case beyond it" bash -c "
    $(declare -f exits); LOTSE_CASES_CASELOAD_PER_FTE=$((open1 + 1)) exits 1 '$dir/o' '$LOTSE' import --db '$db' --jobcenter '$JC' '$dir/cap.csv' &&
    grep -qx \"line 3: case_manager: this case manager's caseload is full ($((open1 + 1)) open cases, cap $((open1 + 1))); assign another case manager\" '$dir/o' &&
    [ \"\$(grep -c '^line ' '$dir/o')\" = 1 ]"
check "a quote left open stops the reading at its record (exit 1)" bash -c "
    $(declare -f exits); exits 1 '$dir/o' '$LOTSE' import --db '$db' --dry-run --jobcenter '$JC' '$dir/open.csv' &&
    grep -qx 'line 2: a quoted field is not closed before the end of the file' '$dir/o'"
check "a missing column is named and no row is checked (exit 1)" bash -c "
    $(declare -f exits); exits 1 '$dir/o' '$LOTSE' import --db '$db' --dry-run --jobcenter '$JC' '$dir/nocol.csv' &&
    grep -qx 'line 1: last_name: the column is missing' '$dir/o' && grep -q '^dry run: 0 rows read' '$dir/o'"
check "worklist check and audit verify still pass" bash -c "
    '$LOTSE' worklist check --db '$db' && '$LOTSE' audit verify --db '$db'"

# ---- PostgreSQL ----
if [ -z "${LOTSE_TEST_PG_HOST:-}" ] || [ -z "${LOTSE_TEST_PG_PORT:-}" ] ||
    [ -z "${LOTSE_TEST_PG_USER:-}" ]; then
    echo "skip PostgreSQL part: needs LOTSE_TEST_PG_HOST, _PORT and _USER (tools/pg-cluster.sh)"
elif ! command -v psql >/dev/null; then
    echo "skip PostgreSQL part: psql is missing (Debian: postgresql-client)"
else
    pq() {
        psql -X -q -At -v ON_ERROR_STOP=1 -h "$LOTSE_TEST_PG_HOST" -p "$LOTSE_TEST_PG_PORT" \
            -U "$LOTSE_TEST_PG_USER" -d "$pgdb" -c "$1"
    }
    pg="postgresql://$LOTSE_TEST_PG_USER@/$pgdb?host=$LOTSE_TEST_PG_HOST&port=$LOTSE_TEST_PG_PORT"
    if psql -X -q -h "$LOTSE_TEST_PG_HOST" -p "$LOTSE_TEST_PG_PORT" -U "$LOTSE_TEST_PG_USER" \
        -d postgres -c "CREATE DATABASE $pgdb" >/dev/null &&
        pg_made=1 && "$LOTSE" demo --db "$pg" --clients 40 --seed 3 --password Import-Pass-1 >/dev/null; then
        pjc=$(pq "SELECT id FROM jobcenters WHERE name = '$JC'")
        pexisting=$(pq "SELECT customer_number FROM clients WHERE jobcenter_id = '$pjc' ORDER BY id LIMIT 1")
        bad_file "$pexisting" >"$dir/pgbad.csv"
        pc0=$(pq 'SELECT count(*) FROM clients')
        pk0=$(pq 'SELECT count(*) FROM cases')
        check "postgresql: the good file imports" bash -c "
            $(declare -f exits); exits 0 '$dir/o' '$LOTSE' import --db '$pg' --jobcenter '$JC' '$dir/good.csv' &&
            grep -q '^imported 5 clients and 3 cases' '$dir/o'"
        check "postgresql: 5 more clients, 3 more cases" bash -c "
            [ \"\$($(declare -f pq); pgdb=$pgdb pq 'SELECT count(*) FROM clients')\" = $((pc0 + 5)) ] &&
            [ \"\$($(declare -f pq); pgdb=$pgdb pq 'SELECT count(*) FROM cases')\" = $((pk0 + 3)) ]"
        check "postgresql: worklist check and audit verify pass" bash -c "
            '$LOTSE' worklist check --db '$pg' && '$LOTSE' audit verify --db '$pg'"
        check "postgresql: the bad file is reported row by row (dry run, exit 1)" bash -c "
            $(declare -f exits same_lines); exits 1 '$dir/o' '$LOTSE' import --db '$pg' --dry-run --jobcenter '$JC' '$dir/pgbad.csv' &&
            same_lines '$dir/bad.expected' '$dir/o'"
        check "postgresql: a real import of the bad file stores nothing" bash -c "
            $(declare -f exits same_lines pq); exits 1 '$dir/o' '$LOTSE' import --db '$pg' --jobcenter '$JC' '$dir/pgbad.csv' &&
            same_lines '$dir/bad.expected' '$dir/o' && pgdb=$pgdb &&
            [ \"\$(pq 'SELECT count(*) FROM clients')\" = $((pc0 + 5)) ] &&
            [ \"\$(pq \"SELECT count(*) FROM clients WHERE customer_number LIKE '710A%'\")\" = 0 ]"
        check "postgresql: importing the good file again refuses every row" bash -c "
            $(declare -f exits same_lines); exits 1 '$dir/o' '$LOTSE' import --db '$pg' --jobcenter '$JC' '$dir/good.csv' &&
            same_lines '$dir/dup.expected' '$dir/o'"
    else
        fail=$((fail + 1))
        echo "FAIL postgresql: could not make the database $pgdb with demo data"
    fi
fi

echo "import: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
