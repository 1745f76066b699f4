#!/usr/bin/env bash
# upsd under a crowd, real NUT 2.8.0 and nutpp side by side: IDLE clients that never send, SLOW
# clients that send one byte a second, a password guesser, and one ordinary client timing GET VAR
# (bench/upsd_load.cpp). Prints the ordinary client's latency, how many wrong passwords each server
# answered, and each upsd's memory before and under the crowd. Run after building:
#   bench/upsd_load.sh [build-dir] [idle] [slow] [seconds]
# The target (issue 13): p99 under 5 ms with 1,000 idle + 500 slow + a guesser; memory bounded.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
IDLE=${2:-1000}
SLOW=${3:-500}
SECONDS_RUN=${4:-20}
BIN=$BUILD/bin
DEV=$ROOT/plugins/sim/data/cp1000avrlcd.dev
for b in "$BIN/upsd_load" "$BIN/upsd" "$BIN/upsdrvd" /lib/nut/upsd /lib/nut/dummy-ups; do
    [ -x "$b" ] || { echo "missing $b (build first; NUT: apt-get install nut-server)" >&2; exit 1; }
done

# Both servers and the load client hold ~1,500 sockets each.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge $((IDLE + SLOW + 100)) ] || { echo "need $((IDLE + SLOW + 100)) descriptors, have $(ulimit -n)" >&2; exit 1; }
TMP=$(mktemp -d /tmp/nutpp-upsd-load.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM PIPE

NUT_PORT=$((20000 + RANDOM % 10000))
OUR_PORT=$((NUT_PORT + 1))

# --- real NUT (MAXCONN raised: its default, 1024, is below the crowd)
mkdir -p "$TMP/nut"
cp "$DEV" "$TMP/nut/demo.dev"
printf '[demo]\n\tdriver = dummy-ups\n\tport = demo.dev\n' >"$TMP/nut/ups.conf"
printf 'LISTEN 127.0.0.1 %s\nMAXCONN 8192\n' "$NUT_PORT" >"$TMP/nut/upsd.conf"
printf '[admin]\n\tpassword = s3cret\n\tactions = SET\n' >"$TMP/nut/upsd.users"
chmod 600 "$TMP/nut/"*
export_nut() { exec env NUT_CONFPATH="$TMP/nut" NUT_STATEPATH="$TMP/nut" NUT_ALTPIDPATH="$TMP/nut" "$@"; }
export_nut /lib/nut/dummy-ups -a demo -F -u root >"$TMP/nut/driver.log" 2>&1 &
PIDS+=($!)
sleep 1
export_nut /lib/nut/upsd -F -u root >"$TMP/nut/upsd.log" 2>&1 &
PIDS+=($!)
NUT_UPSD=${PIDS[-1]}

# --- nutpp
mkdir -p "$TMP/ours"
cp "$DEV" "$TMP/ours/demo.dev"
cat >"$TMP/ours/nutpp.yaml" <<YAML
state_dir: $TMP/ours/run
devices:
  demo: { driver: sim, port: demo.dev }
server:
  listen: ["127.0.0.1:$OUR_PORT"]
users:
  admin: { password: "s3cret", actions: [set] }
YAML
chmod 600 "$TMP/ours/nutpp.yaml"
"$BIN/upsdrvd" -F -f "$TMP/ours/nutpp.yaml" >"$TMP/ours/upsdrvd.log" 2>&1 &
PIDS+=($!)
"$BIN/upsd" -F -f "$TMP/ours/nutpp.yaml" >"$TMP/ours/upsd.log" 2>&1 &
PIDS+=($!)
OUR_UPSD=${PIDS[-1]}

wait_ready() { # port
    for _ in $(seq 1 100); do
        out=$(printf 'GET VAR demo ups.status\n' | timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1; cat >&3; head -n1 <&3" 2>/dev/null || true)
        [[ "$out" == VAR* ]] && return 0
        sleep 0.1
    done
    echo "server on port $1 did not become ready" >&2
    exit 1
}
wait_ready "$NUT_PORT"
wait_ready "$OUR_PORT"

rss() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
field() { sed -E "s/.*\"$2\":([0-9.]+).*/\\1/" <<<"$1"; }

run() { # pid port -> "p50 p99 max requests errors guesses last_guess_ms rss_before rss_under"
    local pid=$1 port=$2 before out under
    before=$(rss "$pid")
    # RSS under load: sampled while the crowd is connected (half-way through).
    ( sleep "$(awk -v s="$SECONDS_RUN" 'BEGIN { print s / 2 + 1 }')"; rss "$pid" >"$TMP/rss.$pid" ) &
    out=$("$BIN/upsd_load" --port "$port" --idle "$IDLE" --slow "$SLOW" --seconds "$SECONDS_RUN") ||
        { echo "upsd_load failed against port $port" >&2; exit 1; }
    wait
    under=$(cat "$TMP/rss.$pid")
    echo "$(field "$out" p50_ms) $(field "$out" p99_ms) $(field "$out" max_ms) $(field "$out" requests)" \
        "$(field "$out" errors) $(field "$out" guesses) $(field "$out" guess_last_ms) $before $under" \
        "$(field "$out" idle_open) $(field "$out" slow_open)"
}
read -r n50 n99 nmax nreq nerr ngu nlast nrb nru nidle nslow <<<"$(run "$NUT_UPSD" "$NUT_PORT")"
sleep 2
read -r o50 o99 omax oreq oerr ogu olast orb oru oidle oslow <<<"$(run "$OUR_UPSD" "$OUR_PORT")"

printf 'upsd under %s idle + %s slow (1 byte/s) clients + a password guesser, %s s, ordinary client GET VAR every 10 ms\n' \
    "$IDLE" "$SLOW" "$SECONDS_RUN"
printf '%-34s | %16s | %16s\n' "" "NUT 2.8.0 upsd" "nutpp upsd"
printf '%-34s | %16s | %16s\n' "crowd connected (idle/slow)" "$nidle/$nslow" "$oidle/$oslow"
printf '%-34s | %16s | %16s\n' "GET VAR p50 (ms)" "$n50" "$o50"
printf '%-34s | %16s | %16s\n' "GET VAR p99 (ms)  [target < 5]" "$n99" "$o99"
printf '%-34s | %16s | %16s\n' "GET VAR max (ms)" "$nmax" "$omax"
printf '%-34s | %16s | %16s\n' "requests / wrong or missing" "$nreq / $nerr" "$oreq / $oerr"
printf '%-34s | %16s | %16s\n' "wrong passwords answered" "$ngu" "$ogu"
printf '%-34s | %16s | %16s\n' "last wrong password waited (ms)" "$nlast" "$olast"
printf '%-34s | %16s | %16s\n' "upsd RSS before / under (kB)" "$nrb / $nru" "$orb / $oru"
printf '%-34s | %16s | %16s\n' "failed-login lines in upsd's log" "$(grep -c -i 'fail\|denied' "$TMP/nut/upsd.log" || true)" \
    "$(grep -c 'Authentication failed' "$TMP/ours/upsd.log" || true)"
