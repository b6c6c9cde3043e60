#!/bin/bash
# tests/cli/test_cli.sh — the command line of the API contract against a real store:
# demo (deterministic, refuses a non-empty store), migrate (twice), user add
# (password on stdin), audit verify (exit 0, 1 after tampering), backup,
# serve's configuration errors and --print-config. Prints "N passed, M failed".
set -u
LOTSE=${LOTSE_BIN:?LOTSE_BIN must name the lotse binary}
dir=$(mktemp -d /tmp/lotse-cli-XXXXXX)
trap 'rm -rf "$dir"' EXIT
pass=0
fail=0
. "$(dirname "$(readlink -f "$0")")/lib.sh"   # check
exits() {   # exits CODE COMMAND…: the command must exit with CODE
    local code=$1
    shift
    "$@" >/dev/null 2>&1
    [ $? -eq "$code" ]
}

db1="sqlite:$dir/one.db"
db2="sqlite:$dir/two.db"
dump() {   # the demo's personal data, without salts and timestamps of the run
    sqlite3 "$1" "SELECT id, customer_number, first_name, last_name, birth_date, street,
                         postcode, city, phone, email, language FROM clients ORDER BY id;
                  SELECT id, client_id, case_manager_id, status, referral_date, consent_date,
                         next_review_due, limit_date, closed_on, closure_reason FROM cases
                  ORDER BY id; SELECT id, username, roles, team_id FROM users ORDER BY id;"
}

check "demo writes data" "$LOTSE" demo --db "$db1" --clients 300 --seed 7 --password Cli-Pass-1234
check "demo with the same seed gives the same data" bash -c "
    '$LOTSE' demo --db '$db2' --clients 300 --seed 7 --password Other-Pass-1 >/dev/null &&
    diff <(sqlite3 '$dir/one.db' 'SELECT count(*) FROM clients') <(echo 300) &&
    diff <($(declare -f dump); dump '$dir/one.db') <($(declare -f dump); dump '$dir/two.db')"
check "demo with another seed gives other data" bash -c "
    '$LOTSE' demo --db 'sqlite:$dir/three.db' --clients 300 --seed 8 --password x1234567890 >/dev/null &&
    ! diff -q <($(declare -f dump); dump '$dir/one.db') <($(declare -f dump); dump '$dir/three.db')"
check "nobody holds more than 60 cases" bash -c "
    [ \"\$(sqlite3 '$dir/one.db' 'SELECT max(n) FROM (SELECT count(*) n FROM cases GROUP BY case_manager_id)')\" -le 60 ]"
check "demo refuses a store that is not empty" exits 1 "$LOTSE" demo --db "$db1" --clients 5
check "demo refuses a bad --clients" exits 2 "$LOTSE" demo --db "sqlite:$dir/x.db" --clients -3
check "migrate is safe to run twice" bash -c "
    '$LOTSE' migrate --db '$db1' | grep -q '^0 migrations applied'"
check "user add reads the password from stdin" bash -c "
    echo 'A-Long-Password-1' | '$LOTSE' user add --db '$db1' --username newfm --role case_manager --team 'Fallmanagement 1' --fte 0.5 &&
    [ \"\$(sqlite3 '$dir/one.db' \"SELECT fte_milli FROM users WHERE username = 'newfm'\")\" = 500 ]"
check "user add refuses a short password and stores nothing" bash -c "
    ! (echo short | '$LOTSE' user add --db '$db1' --username other --role admin --team 'Fallmanagement 1') &&
    [ \"\$(sqlite3 '$dir/one.db' \"SELECT count(*) FROM users WHERE username = 'other'\")\" = 0 ]"
check "user add refuses a taken name" bash -c "
    ! (echo 'A-Long-Password-1' | '$LOTSE' user add --db '$db1' --username newfm --role admin --team 'Fallmanagement 1')"
check "user add creates the first Jobcenter of a new installation" bash -c "
    '$LOTSE' migrate --db 'sqlite:$dir/new.db' >/dev/null &&
    ! (echo 'A-Long-Password-1' | '$LOTSE' user add --db 'sqlite:$dir/new.db' --username first --role admin) &&
    echo 'A-Long-Password-1' | '$LOTSE' user add --db 'sqlite:$dir/new.db' --username first --role admin --jobcenter 'Jobcenter Neustadt' &&
    echo 'A-Long-Password-2' | '$LOTSE' user add --db 'sqlite:$dir/new.db' --username second --role dpo --jobcenter 'Jobcenter Neustadt' &&
    [ \"\$(sqlite3 '$dir/new.db' 'SELECT count(*) FROM jobcenters')\" = 1 ] &&
    [ \"\$(sqlite3 '$dir/new.db' 'SELECT count(DISTINCT jobcenter_id) FROM users')\" = 1 ]"
created=$(sqlite3 "$dir/new.db-audit" "SELECT count(*) FROM audit WHERE action = 'jobcenter.create'" 2>&1)
check "creating a Jobcenter is audited" test "$created" = 1
check "user add refuses an unknown role" exits 2 "$LOTSE" user add --db "$db1" --username zz --role wizard
check "the password hash is argon2id and the password is nowhere in the file" bash -c "
    sqlite3 '$dir/one.db' \"SELECT password_hash FROM users WHERE username = 'newfm'\" | grep -q '^\\\$argon2id\\\$' &&
    ! grep -q 'A-Long-Password-1' '$dir/one.db'"
check "audit verify passes on an intact chain" "$LOTSE" audit verify --db "$db1"
check "backup makes a consistent copy of the store and its audit file" bash -c "
    '$LOTSE' backup --db '$db1' '$dir/copy.db' && [ -s '$dir/copy.db-audit' ] &&
    [ \"\$(sqlite3 '$dir/copy.db' 'SELECT count(*) FROM clients')\" = 300 ] &&
    '$LOTSE' audit verify --db 'sqlite:$dir/copy.db' >/dev/null"
check "backup refuses to overwrite" exits 1 "$LOTSE" backup --db "$db1" "$dir/copy.db"
check "audit verify fails with the first bad entry after tampering" bash -c "
    sqlite3 '$dir/copy.db-audit' 'DROP TRIGGER audit_no_update; UPDATE audit SET detail = \"x\" WHERE seq = 1' &&
    out=\$('$LOTSE' audit verify --db 'sqlite:$dir/copy.db'); code=\$?;
    [ \$code -eq 1 ] && echo \"\$out\" | grep -q 'entry 1'"
check "serve refuses an unmigrated store" bash -c "
    out=\$('$LOTSE' serve --db 'sqlite:$dir/empty.db' --listen 127.0.0.1:0 2>&1); [ \$? -ne 0 ] && echo \"\$out\" | grep -q 'lotse migrate'"
printf '[server]\nthreads = 4\nlisten = 127.0.0.1:0\nbogus = 1\n' >"$dir/bad.ini"
check "an unknown config key stops start-up naming the line" bash -c "
    out=\$('$LOTSE' serve --config '$dir/bad.ini' --db '$db1' 2>&1); [ \$? -eq 2 ] && echo \"\$out\" | grep -q 'bad.ini:4'"
printf '[server]\nthreads = 0\n' >"$dir/bad2.ini"
check "a bad value stops start-up naming the line" bash -c "
    out=\$('$LOTSE' serve --config '$dir/bad2.ini' --db '$db1' 2>&1); [ \$? -eq 2 ] && echo \"\$out\" | grep -q 'bad2.ini:2'"
check "command line beats environment beats file" bash -c "
    printf '[server]\nthreads = 3\nmax_connections = 100\n[cases]\ncaseload_per_fte = 70\n' > '$dir/p.ini' &&
    out=\$(LOTSE_SERVER_THREADS=5 LOTSE_SERVER_MAX_CONNECTIONS=200 '$LOTSE' serve --config '$dir/p.ini' --set server.threads=7 --print-config) &&
    echo \"\$out\" | grep -qx 'threads = 7' && echo \"\$out\" | grep -qx 'max_connections = 200' &&
    echo \"\$out\" | grep -qx 'caseload_per_fte = 70'"
check "print-config masks a database password" bash -c "
    '$LOTSE' serve --db 'postgresql://lotse:TopSecret@db/lotse' --print-config | grep -v TopSecret | grep -q 'db_url'  &&
    ! '$LOTSE' serve --db 'postgresql://lotse:TopSecret@db/lotse' --print-config | grep -q TopSecret"
check "an unknown LOTSE_ variable stops start-up" exits 2 env LOTSE_SERVER_THREDS=3 "$LOTSE" serve --print-config
check "unknown command" exits 2 "$LOTSE" frobnicate

# ---- a running server: the sign-in brake under a parallel burst, SIGTERM ----
"$LOTSE" serve --db "$db1" --listen 127.0.0.1:0 --set session.login_max_failures=3 \
    >"$dir/serve.out" 2>"$dir/serve.err" &
server=$!
url=""
for _ in $(seq 100); do
    url=$(sed -n 's/^lotse listening on //p' "$dir/serve.out")
    [ -n "$url" ] && break
    sleep 0.05
done
burst() {   # 20 wrong passwords for fm2 at once: at most 3 may be checked
    for i in $(seq 20); do
        curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
            -d '{"username":"fm2","password":"wrong-password-'"$i"'"}' "$url/api/v1/tokens" &
    done
    wait
}
check "the sign-in brake holds against a parallel burst" bash -c "
    codes=\$($(declare -f burst); url='$url' burst | sort | uniq -c);
    echo \"\$codes\";
    n401=\$(echo \"\$codes\" | awk '\$2==401{print \$1}'); n429=\$(echo \"\$codes\" | awk '\$2==429{print \$1}');
    [ \"\${n401:-0}\" -le 3 ] && [ \"\${n429:-0}\" -ge 17 ]"
kill -TERM "$server"
wait "$server"
server_exit=$?
check "SIGTERM: the server exits 0" test "$server_exit" -eq 0

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
