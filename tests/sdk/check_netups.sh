#!/usr/bin/env bash
# `upsdrvd --check` on the netups example against its simulated device (run as a program here).
# usage: check_netups.sh <upsdrvd> <netups_sim program> <nutpp-netups.so>
set -euo pipefail
UPSDRVD=$1 SIM=$2 PLUGIN=$3
coproc SIMPROC { exec "$SIM"; }
trap 'exec {SIMPROC[1]}>&-; wait "$SIMPROC_PID" 2>/dev/null || true' EXIT
read -r -t 10 PORT <&"${SIMPROC[0]}" || { echo "FAIL: the simulated device did not start" >&2; exit 1; }
out=$("$UPSDRVD" --check "$PLUGIN" -o port=127.0.0.1:"$PORT" --polls 5 2>&1) && rc=0 || rc=$?
echo "$out"
[ "$rc" = 0 ] && grep -q "PASS: no contract breach" <<<"$out" || { echo "FAIL: exit $rc" >&2; exit 1; }
