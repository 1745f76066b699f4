#!/usr/bin/env bash
# The broken test plugins must be broken exactly as advertised, or the host tests that use them
# would pass for the wrong reason: every nutpp_add_driver() fixture exports only nutpp_driver_v1,
# no_symbol exports something but not nutpp_driver_v1, not_elf.so is not an ELF file.
# usage: check_fixtures.sh <test plugin dir>
set -euo pipefail
DIR=${1:?usage: $0 <test plugin dir>}
fail() { echo "FAIL: $*" >&2; exit 1; }

exports() { nm -D --defined-only "$1" | awk '{print $NF}' | sort -u | tr '\n' ' '; }

for name in wrong_major short_struct null_op create_fails poll_fails hangs_in_poll segv_in_poll throws_in_cpp \
           abi_1_2 lib_init_fails unknown_key_type old_abi_1_0 old_abi_1_1 \
           breach_thread breach_after_destroy breach_fd_left breach_var_name breach_command breach_status \
           breach_long_value breach_slow_poll; do
    so=$DIR/nutpp-$name.so
    [ -f "$so" ] || fail "$so missing"
    [ "$(exports "$so")" = "nutpp_driver_v1 " ] || fail "$so exports [$(exports "$so")]"
    echo "ok: $name"
done

so=$DIR/nutpp-no_symbol.so
[ -f "$so" ] || fail "$so missing"
syms=$(exports "$so")
case " $syms" in *" nutpp_driver_v1 "*) fail "no_symbol exports nutpp_driver_v1" ;; esac
case " $syms" in *" nutpp_not_a_driver "*) ;; *) fail "no_symbol should export nutpp_not_a_driver, got [$syms]" ;; esac
echo "ok: no_symbol"

[ -f "$DIR/not_elf.so" ] || fail "not_elf.so missing"
[ "$(head -c 4 "$DIR/not_elf.so")" != $'\x7fELF' ] || fail "not_elf.so is an ELF file"
echo "ok: not_elf.so"
