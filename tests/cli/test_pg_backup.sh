#!/bin/bash
# tests/cli/test_pg_backup.sh — `lotse backup` and `lotse restore` of a PostgreSQL
# store, in fresh databases of the private cluster named by LOTSE_TEST_PG_HOST,
# _PORT and _USER (tools/pg-cluster.sh; skipped, exit 77, without them):
# the restored copy holds the same data and the same audit chain; a backup
# never overwrites a file and leaves none behind when pg_dump fails (its
# message shown, the password not); a restore refuses a database that is not
# empty and leaves one as it was when the file is damaged; a backup taken
# while `lotse serve` writes holds every write with its audit entry. Prints
# "N passed, M failed"; drops its databases at the end.
set -u
LOTSE=${LOTSE_BIN:?LOTSE_BIN must name the lotse binary}
if [ -z "${LOTSE_TEST_PG_HOST:-}" ] || [ -z "${LOTSE_TEST_PG_PORT:-}" ] ||
    [ -z "${LOTSE_TEST_PG_USER:-}" ]; then
    echo "skipped: needs LOTSE_TEST_PG_HOST, _PORT and _USER (tools/pg-cluster.sh)"
    exit 77
fi
command -v psql >/dev/null || { echo "psql is missing (Debian: postgresql-client)"; exit 1; }

dir=$(mktemp -d /tmp/lotse-pgbk-XXXXXX)
prefix=lotse_bk_$$
src=${prefix}_src copy=${prefix}_copy live=${prefix}_live
# trust authentication ignores it; it is there to be kept off command lines
password='Bk-Secret-4711'
server=''
pass=0
fail=0

sql() {   # sql DB SQL: one value per line, unaligned
    psql -X -q -At -v ON_ERROR_STOP=1 -h "$LOTSE_TEST_PG_HOST" -p "$LOTSE_TEST_PG_PORT" \
        -U "$LOTSE_TEST_PG_USER" -d "$1" -c "$2"
}
cleanup() {
    if [ -n "$server" ]; then
        kill -TERM "$server" 2>/dev/null
        wait "$server" 2>/dev/null
    fi
    for d in "$src" "$copy" "$live"; do
        sql postgres "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
    done
    rm -rf "$dir"
}
trap cleanup EXIT
. "$(dirname "$(readlink -f "$0")")/lib.sh"   # check
uri_escape() {
    local s=$1 out='' c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
        [A-Za-z0-9._~-]) out+=$c ;;
        *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    printf '%s' "$out"
}
url() {   # url DB: lotse's --db for DB
    printf 'postgresql://%s:%s@/%s?host=%s&port=%s' "$(uri_escape "$LOTSE_TEST_PG_USER")" \
        "$password" "$1" "$(uri_escape "$LOTSE_TEST_PG_HOST")" "$LOTSE_TEST_PG_PORT"
}
# what a restore must carry over: counts and a digest of every row of the
# tables that hold personal data, and of the audit trail
fingerprint() {
    sql "$1" "SELECT 'clients', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY id), ''))
                FROM clients t
              UNION ALL SELECT 'cases', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY id), ''))
                FROM cases t
              UNION ALL SELECT 'notes', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY id), ''))
                FROM notes t
              UNION ALL SELECT 'note_versions', count(*),
                md5(coalesce(string_agg(t::text, '|' ORDER BY note_id, version), ''))
                FROM note_versions t
              UNION ALL SELECT 'audit', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY seq), ''))
                FROM audit_log.audit t"
}
objects() {   # schemas of its own, and relations in public
    sql "$1" "SELECT (SELECT count(*) FROM pg_namespace
                       WHERE nspname NOT IN ('public', 'information_schema')
                         AND nspname NOT LIKE 'pg\\_%')
                   + (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                       WHERE n.nspname = 'public')"
}

for d in "$src" "$copy" "$live"; do
    sql postgres "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
    sql postgres "CREATE DATABASE $d" || { echo "cannot create database $d"; exit 1; }
done
db_src=$(url "$src") db_copy=$(url "$copy") db_live=$(url "$live")

check "demo writes data" "$LOTSE" demo --db "$db_src" --clients 200 --seed 5 \
    --password Bk-Demo-Pass-1
check "backup writes a file only its owner may read" bash -c "
    '$LOTSE' backup --db '$db_src' '$dir/a.dump' && [ \"\$(stat -c %a '$dir/a.dump')\" = 600 ] &&
    [ \"\$(head -c 5 '$dir/a.dump')\" = PGDMP ]"
cp "$dir/a.dump" "$dir/a.orig"
check "a second backup to the same file is refused and leaves it as it was" bash -c "
    out=\$('$LOTSE' backup --db '$db_src' '$dir/a.dump' 2>&1); [ \$? -eq 1 ] &&
    echo \"\$out\" | grep -q 'refusing to overwrite' && cmp -s '$dir/a.dump' '$dir/a.orig'"

head -c "$(($(stat -c %s "$dir/a.dump") * 2 / 3))" "$dir/a.dump" >"$dir/truncated.dump"
check "a damaged backup is refused and the database stays empty" bash -c "
    out=\$('$LOTSE' restore --db '$db_copy' '$dir/truncated.dump' 2>&1); code=\$?; echo \"\$out\";
    [ \$code -eq 1 ] && echo \"\$out\" | grep -q 'pg_restore' &&
    [ \"\$($(declare -f sql objects); objects '$copy')\" = 0 ]"
check "restore into an empty database checks the audit chain" bash -c "
    out=\$('$LOTSE' restore --db '$db_copy' '$dir/a.dump'); echo \"\$out\";
    echo \"\$out\" | grep -q 'audit chain intact'"
check "the copy holds the same rows: clients, cases, notes, audit entries" bash -c "
    $(declare -f sql fingerprint)
    diff <(fingerprint '$src') <(fingerprint '$copy') && fingerprint '$copy' | grep -q '^clients|200|'"
check "audit verify on the copy: exit 0, the same head as the source" bash -c "
    a=\$('$LOTSE' audit verify --db '$db_src') && b=\$('$LOTSE' audit verify --db '$db_copy') &&
    echo \"\$a\" && echo \"\$b\" && [ \"\$a\" = \"\$b\" ] && echo \"\$b\" | grep -q 'head [0-9a-f]\{64\}'"
check "worklist check on the copy: exit 0" "$LOTSE" worklist check --db "$db_copy"
head_before=$("$LOTSE" audit verify --db "$db_src" 2>&1)
check "restore refuses a database that is not empty, and changes nothing" bash -c "
    out=\$('$LOTSE' restore --db '$db_src' '$dir/a.dump' 2>&1); code=\$?; echo \"\$out\";
    [ \$code -eq 1 ] && echo \"\$out\" | grep -q 'not empty' &&
    [ \"\$('$LOTSE' audit verify --db '$db_src' 2>&1)\" = '$head_before' ]"
check "restore refuses a SQLite store and creates no file" bash -c "
    ! '$LOTSE' restore --db 'sqlite:$dir/s.db' '$dir/a.dump' && [ ! -e '$dir/s.db' ]"

# ---- pg_dump that fails: a stand-in first on PATH, as an older pg_dump fails ----
mkdir "$dir/bin"
cat >"$dir/bin/pg_dump" <<EOF
#!/bin/sh
printf '%s\n' "\$0" "\$@" >'$dir/stub.argv'
printf '%s\n' "\$PGPASSWORD" >'$dir/stub.password'
echo 'half an archive'
echo "pg_dump: error: aborting because of server version mismatch (\$PGPASSWORD)" >&2
echo "pg_dump: detail: server version: 99.0; pg_dump version: 15.0" >&2
exit 1
EOF
chmod +x "$dir/bin/pg_dump"
check "an older pg_dump: reported as such, no file left, no password shown" bash -c "
    out=\$(PATH='$dir/bin':\"\$PATH\" '$LOTSE' backup --db '$db_src' '$dir/b.dump' 2>&1); code=\$?;
    echo \"\$out\"; [ \$code -eq 1 ] && [ ! -e '$dir/b.dump' ] &&
    echo \"\$out\" | grep -q 'older than the server' && echo \"\$out\" | grep -q 'postgresql-client-' &&
    ! echo \"\$out\" | grep -q '$password'"
check "pg_dump gets the password in its environment, not on its command line" bash -c "
    [ \"\$(cat '$dir/stub.password')\" = '$password' ] && ! grep -q '$password' '$dir/stub.argv' &&
    grep -qx -- '--format=custom' '$dir/stub.argv'"
newest=$(ls -d /usr/lib/postgresql/*/bin/pg_dump 2>/dev/null | sort -V | tail -n 1)
if [ -n "$newest" ]; then
    check "without pg_dump on PATH, the newest in /usr/lib/postgresql serves" \
        env PATH=/nonexistent "$LOTSE" backup --db "$db_src" "$dir/c.dump"
fi

# ---- a backup while `lotse serve` takes writes: every note with its audit entry ----
"$LOTSE" serve --db "$db_src" --listen 127.0.0.1:0 >"$dir/serve.out" 2>"$dir/serve.err" &
server=$!
base=''
for _ in $(seq 200); do
    base=$(sed -n 's/^lotse listening on //p' "$dir/serve.out")
    [ -n "$base" ] && break
    sleep 0.05
done
token=$(curl -s -H 'Content-Type: application/json' \
    -d '{"username":"fm1","password":"Bk-Demo-Pass-1"}' "$base/api/v1/tokens" |
    sed -n 's/.*"token": *"\([^"]*\)".*/\1/p')
kase=$(sql "$src" "SELECT c.id FROM cases c JOIN users u ON u.id = c.case_manager_id
                    WHERE u.username = 'fm1' AND c.status = 'active' ORDER BY c.id LIMIT 1")
loaded() { sql "$1" "SELECT count(*) FROM note_versions WHERE text LIKE 'backup-load-%'"; }
write_notes() {   # notes on one case until $dir/stop exists
    local i=0 at
    while [ ! -e "$dir/stop" ]; do
        i=$((i + 1))
        at=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%SZ)
        curl -s -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
            -d '{"at":"'"$at"'","channel":"phone","kind":"consultation","text":"backup-load-'"$i"'","minutes_consultation":5}' \
            "$base/api/v1/cases/$kase/notes"
    done
}
write_notes &
writer=$!
for _ in $(seq 200); do
    [ "$(loaded "$src")" -ge 20 ] 2>/dev/null && break
    sleep 0.05
done
before=$(loaded "$src")
check "backup while the server writes" "$LOTSE" backup --db "$db_src" "$dir/live.dump"
sleep 0.3
touch "$dir/stop"
wait "$writer"
after=$(loaded "$src")
check "restore of that backup" "$LOTSE" restore --db "$db_live" "$dir/live.dump"
in_copy=$(loaded "$live")
check "it holds the writes up to its moment ($before <= $in_copy < $after)" \
    test "$before" -ge 20 -a "$in_copy" -ge "$before" -a "$in_copy" -lt "$after"
check "every note in it has its audit entry, and every entry its note" test "$(sql "$live" "
    SELECT (SELECT count(*) FROM notes n WHERE NOT EXISTS (SELECT 1 FROM audit_log.audit a
              WHERE a.action = 'note.create' AND a.object_id = n.id)
              AND EXISTS (SELECT 1 FROM note_versions v WHERE v.note_id = n.id
                            AND v.text LIKE 'backup-load-%'))
         + (SELECT count(*) FROM audit_log.audit a WHERE a.action = 'note.create'
              AND NOT EXISTS (SELECT 1 FROM notes n WHERE n.id = a.object_id))")" = 0
check "audit verify and worklist check pass on it" bash -c "
    '$LOTSE' audit verify --db '$db_live' && '$LOTSE' worklist check --db '$db_live'"
kill -TERM "$server"
wait "$server"
server_exit=$?
server=''
check "the server exits 0" test "$server_exit" -eq 0

echo "cli/backup@postgresql: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
