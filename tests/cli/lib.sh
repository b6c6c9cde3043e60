# tests/cli/lib.sh — sourced by the command-line test scripts. The script sets
# `dir` (its temporary directory) and `pass=0 fail=0` before calling check.

check() {   # check NAME COMMAND…: the command must succeed; its output shown when not
    local name=$1
    shift
    if "$@" >"$dir/out" 2>&1; then
        pass=$((pass + 1))
        echo "ok   $name"
    else
        fail=$((fail + 1))
        echo "FAIL $name"
        sed 's/^/     /' "$dir/out" | head -30
    fi
}
