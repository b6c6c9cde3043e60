#!/bin/sh
# tools/lint.sh — forbidden patterns (docs/architecture.md). Registered as a
# Meson test; prints every offending line and fails when there is one.
#   - layers: http/, web/ and api/ never include store/ headers;
#     <microhttpd.h> only inside http/
#   - HTML: no raw {{{…}}} output in templates; no buf_append in web/ (pages
#     are templates; markup literals go through html_literal)
#   - C strings: no sprintf, strcpy, strcat, gets; no strtok (shared state
#     across request threads: strtok_r)
#   - SQL: never formatted (no printf-family call whose format holds SQL)
#   - translations: every {{_ text}} of the templates has a German msgid in
#     po/de.po or po/parts/*.de.po
set -u
root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
bad=0
report() {
    if [ -n "$2" ]; then
        printf '%s\n%s\n\n' "lint: $1" "$2"
        bad=1
    fi
}
report "store/ included above core/" \
    "$(grep -n '#include "store/' src/http/*.c src/http/*.h src/web/*.c src/web/*.h src/api/*.c src/api/*.h 2>/dev/null)"
report "<microhttpd.h> outside src/http" \
    "$(grep -rn '<microhttpd.h>' src tests/unit | grep -v '^src/http/')"
report "raw template output {{{…}}}" "$(grep -rn '{{{' templates 2>/dev/null)"
report "buf_append in web/ (use templates)" "$(grep -n 'buf_append(' src/web/*.c 2>/dev/null)"
report "unsafe string functions" \
    "$(grep -rnE '(^|[^a-z_])(sprintf|vsprintf|strcpy|strcat|gets|strtok)\(' src tools/*.c 2>/dev/null)"
report "SQL built with a printf-style call" \
    "$(grep -rnE '(printf|snprintf|arena_printf|buf_printf)\([^;]*"[^"]*(SELECT [^"]* FROM|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|WHERE [a-z_.]+ =)' src 2>/dev/null)"
untranslated() {
    # msgids of the German catalogues, with \" turned into "
    known=$(mktemp)
    sed -n 's/^msgid "\(.*\)"$/\1/p' po/de.po po/parts/*.de.po | sed 's/\\"/"/g' | sort -u >"$known"
    grep -oh '{{_ [^}]*}}' templates/*.html | sed 's/^{{_ //; s/}}$//' | sort -u |
        grep -vxF -f "$known"
    rm -f "$known"
}
report "template text without a German translation" "$(untranslated)"
if [ "$bad" -eq 0 ]; then
    echo "lint: 7 checks, no findings"
fi
exit "$bad"
