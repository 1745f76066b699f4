#!/usr/bin/env bash
# Side-by-side benchmark: real NUT 2.8.0 (upsd + dummy-ups) and nutpp (upsdrvd + upsd) serving the
# same device data on loopback, measured in the same run with the same client (bench/nut_load).
# Prints one table with both numbers and the ratio. Run after building (.ci/setup):
#   bench/run.sh [build-dir]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
BIN=$BUILD/bin
DEV=$ROOT/plugins/sim/data/cp1000avrlcd.dev
for b in "$BIN/nut_load" "$BIN/upsd" "$BIN/upsdrvd" /lib/nut/upsd /lib/nut/dummy-ups; do
    [ -x "$b" ] || { echo "missing $b (build first; NUT: apt-get install nut-server)" >&2; exit 1; }
done

TMP=$(mktemp -d /tmp/nutpp-bench.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap "exit 1" INT TERM PIPE # so the cleanup also runs when killed or when stdout goes away

NUT_PORT=$((20000 + RANDOM % 10000))
OUR_PORT=$((NUT_PORT + 1))

# --- real NUT
mkdir -p "$TMP/nut"
cp "$DEV" "$TMP/nut/demo.dev"
printf '[demo]\n\tdriver = dummy-ups\n\tport = demo.dev\n' >"$TMP/nut/ups.conf"
printf 'LISTEN 127.0.0.1 %s\nMAXCONN 4096\n' "$NUT_PORT" >"$TMP/nut/upsd.conf"
printf '[admin]\n\tpassword = x\n' >"$TMP/nut/upsd.users"
chmod 600 "$TMP/nut/"*
export_nut() { env NUT_CONFPATH="$TMP/nut" NUT_STATEPATH="$TMP/nut" NUT_ALTPIDPATH="$TMP/nut" "$@"; }
export_nut /lib/nut/dummy-ups -a demo -F -u root >"$TMP/nut/driver.log" 2>&1 &
PIDS+=($!)
sleep 1
export_nut /lib/nut/upsd -F -u root >"$TMP/nut/upsd.log" 2>&1 &
PIDS+=($!)

# --- nutpp
mkdir -p "$TMP/ours"
cp "$DEV" "$TMP/ours/demo.dev"
cat >"$TMP/ours/nutpp.yaml" <<YAML
state_dir: $TMP/ours/run
devices:
  demo: { driver: sim, port: demo.dev }
server:
  listen: ["127.0.0.1:$OUR_PORT"]
  maxconn: 4096
YAML
"$BIN/upsdrvd" -F -f "$TMP/ours/nutpp.yaml" >"$TMP/ours/upsdrvd.log" 2>&1 &
PIDS+=($!)
"$BIN/upsd" -F -f "$TMP/ours/nutpp.yaml" >"$TMP/ours/upsd.log" 2>&1 &
PIDS+=($!)

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

field() { sed -E "s/.*\"$2\":([0-9.]+).*/\1/" <<<"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }'; }
printf '%-44s %14s %14s %8s\n' "scenario" "NUT 2.8.0" "nutpp" "ratio"
scenario() { # label, nut_load args...
    local label=$1
    shift
    local nut ours
    nut=$("$BIN/nut_load" --port "$NUT_PORT" "$@")
    ours=$("$BIN/nut_load" --port "$OUR_PORT" "$@")
    printf '%-44s %10s r/s %10s r/s %8s\n' "$label" "$(field "$nut" per_second)" "$(field "$ours" per_second)" \
        "$(ratio "$(field "$ours" per_second)" "$(field "$nut" per_second)")"
    printf '%-44s %11s us %11s us\n' "    p99 latency" "$(field "$nut" p99_us)" "$(field "$ours" p99_us)"
}
scenario "GET VAR, 1 conn, closed loop" --request get --connections 1 --seconds 3
scenario "GET VAR, 50 conns, closed loop" --request get --connections 50 --seconds 3
scenario "GET VAR, 10 conns, pipelined 16" --request get --connections 10 --depth 16 --seconds 3
scenario "LIST VAR, 1 conn, closed loop" --request list --connections 1 --seconds 3
scenario "LIST VAR, 50 conns, closed loop" --request list --connections 50 --seconds 3

# Whole upsc runs (connect, LIST VAR, disconnect): what every script and dashboard poll costs.
upsc_time() { # port -> ms per run
    local n=30 t0 t1
    t0=$(date +%s%N)
    for _ in $(seq 1 $n); do /usr/bin/upsc "demo@127.0.0.1:$1" >/dev/null 2>&1; done
    t1=$(date +%s%N)
    awk -v d=$((t1 - t0)) -v n=$n 'BEGIN { printf "%.1f", d / n / 1e6 }'
}
nut_ms=$(upsc_time "$NUT_PORT")
our_ms=$(upsc_time "$OUR_PORT")
printf '%-44s %11s ms %11s ms %8s\n' "NUT's upsc demo@host (whole run)" "$nut_ms" "$our_ms" "$(ratio "$nut_ms" "$our_ms")"

rss() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
printf '%-44s %11s kB %11s kB\n' "RSS driver (dummy-ups / upsdrvd)" "$(rss "${PIDS[0]}")" "$(rss "${PIDS[2]}")"
printf '%-44s %11s kB %11s kB\n' "RSS upsd" "$(rss "${PIDS[1]}")" "$(rss "${PIDS[3]}")"
