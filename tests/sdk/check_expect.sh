#!/usr/bin/env bash
# Runs `upsdrvd --check ...` and asserts its exit status and that its output matches a regex, so a
# fixture counts only when it fails for the breach it was written for (not for any other reason).
# usage: check_expect.sh <expected exit> <extended regex> <upsdrvd> <args...>
set -uo pipefail
want=$1 regex=$2
shift 2
out=$("$@" 2>&1)
got=$?
echo "$out"
[ "$got" = "$want" ] || { echo "FAIL: exit status $got, expected $want" >&2; exit 1; }
grep -Eq -- "$regex" <<<"$out" || { echo "FAIL: output does not match: $regex" >&2; exit 1; }
echo "ok: exit $got and /$regex/"
