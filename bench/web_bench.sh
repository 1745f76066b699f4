#!/usr/bin/env bash
# upsweb benchmark: N simulated UPSes (default 100) behind upsdrvd + our upsd, upsweb started by
# `nutpp run`, a private mosquitto broker; bench/web_latency measures device -> SSE / MQTT /
# /metrics latency, the scrape cost, and nut_exporter's algorithm side by side.
#   bench/web_bench.sh [build-dir] [ups-count]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$ROOT/build}
N=${2:-100}
BIN=$BUILD/bin
for b in "$BIN/web_latency" "$BIN/nutpp" "$BIN/upsweb" "$BIN/upsd" "$BIN/upsdrvd" /usr/sbin/mosquitto; do
    [ -x "$b" ] || { echo "missing $b (build: cmake --build build --target web_latency nutpp upsweb upsd upsdrvd sim; apt-get install mosquitto)" >&2; exit 1; }
done
TMP=$(mktemp -d /tmp/nutpp-webbench.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM PIPE

BASE=$((20000 + RANDOM % 10000))
UPSD=$BASE HTTP=$((BASE + 1)) MQTT=$((BASE + 2))
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\n' "$MQTT" >"$TMP/mosquitto.conf"
/usr/sbin/mosquitto -c "$TMP/mosquitto.conf" >"$TMP/mosquitto.log" 2>&1 &
PIDS+=($!)

{
    echo "state_dir: $TMP/run"
    echo "plugin_dir: $BUILD/lib/nutpp/drivers"
    echo "devices:"
    for i in $(seq 0 $((N - 1))); do
        name=$(printf 'ups%03d' "$i")
        printf 'battery.charge: 100\nbattery.runtime: 5550\ninput.voltage: 122.0\nups.load: 7\ndevice.mfr: CPS\ndevice.model: CP1000AVRLCD\nups.status: OL\n' >"$TMP/$name.dev"
        printf '  %s: { driver: sim, port: %s, pollinterval: 0.1 }\n' "$name" "$TMP/$name.dev"
    done
    echo "server: { listen: [\"127.0.0.1:$UPSD\"], maxconn: 4096 }"
    echo "users: { admin: { password: x } }"
    echo "web:"
    echo "  upsd: 127.0.0.1:$UPSD"
    echo "  pollinterval: 30   # changes arrive by push"
    echo "  http: { listen: \"127.0.0.1:$HTTP\" }"
    echo "  mqtt: { broker: \"127.0.0.1:$MQTT\" }"
} >"$TMP/nutpp.yaml"
chmod 600 "$TMP/nutpp.yaml"
"$BIN/nutpp" run -f "$TMP/nutpp.yaml" >"$TMP/nutpp.log" 2>&1 &
PIDS+=($!)

for _ in $(seq 1 300); do
    n=$(curl -s "http://127.0.0.1:$HTTP/metrics" 2>/dev/null | grep -c '^nutpp_upsweb_ups_up{.*} 1$' || true)
    [ "$n" = "$N" ] && break
    sleep 0.2
done
[ "${n:-0}" = "$N" ] || { echo "stack not ready ($n of $N UPSes up)"; tail -20 "$TMP/nutpp.log"; exit 1; }
sleep 1 # let every push watch open
"$BIN/web_latency" "$UPSD" "$HTTP" "$MQTT" "$TMP" "$N" "$(cat "$TMP/run/upsweb.pid")"
