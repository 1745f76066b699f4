#!/usr/bin/env bash
# The ABI of a driver.h against the committed baseline (abi_compare.py says what the rule is).
# usage: abi_check.sh <C compiler> <include dir holding nutpp/driver.h> <baseline .abi> <work dir>
# Exit 0 rule holds, 1 broken, 77 abidw (Debian abigail-tools) missing.
set -euo pipefail
CC=$1 INC=$2 BASELINE=$3 WORK=$4
HERE=$(cd "$(dirname "$0")" && pwd)
command -v abidw >/dev/null || { echo "SKIP: abidw not installed (Debian package abigail-tools)"; exit 77; }
mkdir -p "$WORK"
minor_of() { sed -n 's/^#define NUTPP_ABI_MINOR \([0-9][0-9]*\).*/\1/p' "$1"; }
CUR_MINOR=$(minor_of "$INC/nutpp/driver.h")
# The baseline's minor is in its name: driver-v1.<minor>.abi
BASE_MINOR=$(basename "$BASELINE" | sed -n 's/^driver-v1\.\([0-9][0-9]*\)\.abi$/\1/p')
[ -n "$CUR_MINOR" ] && [ -n "$BASE_MINOR" ] || { echo "cannot read the minor versions" >&2; exit 2; }
"$CC" -std=c99 -g -O0 -shared -fPIC -I"$INC" "$HERE/probe.c" -o "$WORK/probe.so"
abidw --no-corpus-path --no-show-locs "$WORK/probe.so" >"$WORK/current.abi"
python3 "$HERE/abi_compare.py" "$BASELINE" "$BASE_MINOR" "$WORK/current.abi" "$CUR_MINOR"
