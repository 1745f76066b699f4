#!/usr/bin/env bash
# The ABI check must be able to fail: on patched copies of driver.h it must reject a field appended
# without the minor bump, a reordered field, an inserted field and a renumbered enum value; it must
# accept an append with the bump, and the real header.
# usage: abi_selftest.sh <C compiler> <sdk include dir> <baseline .abi> <work dir>
set -uo pipefail
CC=$1 INC=$2 BASELINE=$3 WORK=$4
HERE=$(cd "$(dirname "$0")" && pwd)
command -v abidw >/dev/null || { echo "SKIP: abidw not installed (Debian package abigail-tools)"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK"
failures=0
# expect <name> <exit status> <regex> <python patch expression over `s`, or "">
expect() {
    local name=$1 want=$2 regex=$3 patch=$4 dir=$WORK/$1
    mkdir -p "$dir/inc/nutpp"
    python3 - "$INC/nutpp/driver.h" "$dir/inc/nutpp/driver.h" "$patch" <<'PY'
import sys
s = open(sys.argv[1]).read()
orig = s
exec(sys.argv[3])
if sys.argv[3] and s == orig:
    sys.exit("patch did not apply")
open(sys.argv[2], "w").write(s)
PY
    [ $? = 0 ] || { echo "FAIL $name: patch did not apply"; failures=$((failures + 1)); return; }
    out=$(bash "$HERE/abi_check.sh" "$CC" "$dir/inc" "$BASELINE" "$dir/work" 2>&1)
    got=$?
    if [ "$got" = "$want" ] && grep -Eq -- "$regex" <<<"$out"; then
        echo "ok   $name (exit $got)"
    else
        echo "FAIL $name: exit $got (want $want), output:"; echo "$out"
        failures=$((failures + 1))
    fi
}
APPEND='s = s.replace("    uint32_t (*ready_fds)(nutpp_host_ctx *h, nutpp_fd_ready *out, uint32_t capacity);\n} nutpp_host_api;", "    uint32_t (*ready_fds)(nutpp_host_ctx *h, nutpp_fd_ready *out, uint32_t capacity);\n    void (*new_service)(nutpp_host_ctx *h);\n} nutpp_host_api;")'
BUMP='import re; s = re.sub(r"#define NUTPP_ABI_MINOR (\d+)", lambda m: "#define NUTPP_ABI_MINOR %d" % (int(m.group(1)) + 1), s)'
expect real_header 0 "ABI check passed.*identical" ""
expect append_without_bump 1 "appended without a NUTPP_ABI_MINOR bump.*nutpp_host_api.new_service" "$APPEND"
expect append_with_bump 0 "appended in 1\.[0-9]+: nutpp_host_api.new_service" "$APPEND; $BUMP"
expect reorder 1 "nutpp_var_decl.flags moved from byte 20 to byte 24" \
  's = s.replace("    uint32_t flags;                  /* NUTPP_VAR_WRITABLE                                        */\n    uint32_t max_length;", "    uint32_t max_length;\n    uint32_t flags;")'
expect insert 1 "nutpp_cmd_decl.extra was inserted|moved from" \
  'import re; s = re.sub(r"(typedef struct nutpp_cmd_decl \{\n    uint32_t struct_size;[^\n]*\n)", r"\1    uint32_t extra;\n", s)'
expect renumbered_enum 1 "enum nutpp_status: NUTPP_E_IO was 3" 's = s.replace("NUTPP_E_IO = 3,", "NUTPP_E_IO = 30,")'
[ $failures = 0 ] && echo "PASS" || { echo "$failures self-test(s) failed"; exit 1; }
