#!/usr/bin/env bash
# What a Modbus poll costs: requests per poll and milliseconds per poll (first request to last
# answer, timed by the simulated slave, bench/modbus_sim) for NUT 2.8.0's own driver (Debian
# nut-modbus) and our modbus plugin, map by map, on the same simulated device; then the CPU of 20
# devices polled every second: ours (one upsdrvd) vs NUT's (one driver process per UPS), over ptys
# (RTU) and over TCP. Run after building (targets upsdrvd, modbus, modbus_sim):
#   bench/modbus_poll.sh [build-dir]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
BIN=$BUILD/bin
SIM=$BIN/modbus_sim
PLUGINS=$BUILD/lib/nutpp/drivers
for b in "$SIM" "$BIN/upsdrvd" /lib/nut/socomec_jbus /lib/nut/phoenixcontact_modbus /lib/nut/huawei-ups2000 /lib/nut/generic_modbus; do
    [ -x "$b" ] || { echo "missing $b (build first; NUT: apt-get install nut-modbus)" >&2; exit 1; }
done
TMP=$(mktemp -d /tmp/nutpp-modbusbench.XXXXXX)
PIDS=()
stop_all() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    PIDS=()
}
cleanup() { stop_all; rm -rf "$TMP"; }
trap cleanup EXIT
trap 'exit 1' INT TERM PIPE
HZ=$(getconf CLK_TCK)
SECONDS_RUN=${SECONDS_RUN:-12}
declare -A NUT_DRIVER=([socomec_jbus]=socomec_jbus [phoenixcontact_quint]=phoenixcontact_modbus
                       [huawei_ups2000]=huawei-ups2000 [generic]=generic_modbus)
# The generic map's contacts (as tests/plugins/modbus/test_modbus_nut_diff.cpp; OB_regtype works
# around NUT 2.8.0 generic_modbus reading OB_regtype for LB, a crash when it is unset).
GENERIC_NUT='  OL_addr = 10
  OL_regtype = 1
  LB_addr = 11
  LB_regtype = 0
  OB_regtype = 0
  HB_addr = 12
  HB_regtype = 2
  HB_noro = 1
  RB_addr = 13
  RB_regtype = 3'
GENERIC_OURS='    OL_addr: 10
    OL_regtype: 1
    LB_addr: 11
    LB_regtype: 0
    HB_addr: 12
    HB_regtype: 2
    HB_noro: 1
    RB_addr: 13
    RB_regtype: 3'

ticks_of() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null || echo 0))); done; echo $t; }

# start_sim map transport n [seconds]: runs modbus_sim, fills DEVS (ports) once it is READY.
start_sim() {
    local out=$TMP/sim.out
    "$SIM" --map "$1" --transport "$2" --devices "$3" --seconds "${4:-$SECONDS_RUN}" > "$out" &
    SIM_PID=$!
    PIDS+=("$SIM_PID")
    for _ in $(seq 100); do grep -q READY "$out" && break; sleep 0.05; done
    mapfile -t DEVS < <(awk '/^DEV/ {print $3}' "$out")
}
# wait_sim: waits for the sim to finish (in this shell: it is our child), sets RESULT to its STATS
# lines' averages: "polls req/poll ms/poll(median; the mean is at the mercy of a loaded machine)".
wait_sim() {
    wait "$SIM_PID" || true
    RESULT=$(awk '/^STATS/ {n++; polls += $3; req += $4; ms += $7} END {if (n) printf "%d %.1f %.3f\n", polls, req / n, ms / n; else print "0 0 0"}' "$TMP/sim.out")
}

start_nut() { # map: one NUT driver process per device in DEVS
    local map=$1 drv=${NUT_DRIVER[$1]} i=0 dir=$TMP/nut
    rm -rf "$dir"; mkdir -p "$dir"
    : > "$dir/ups.conf"
    for d in "${DEVS[@]}"; do
        printf '[u%d]\n  driver = %s\n  port = %s\n  pollinterval = 1\n' "$i" "$drv" "$d" >> "$dir/ups.conf"
        [ "$map" = generic ] && printf '%s\n' "$GENERIC_NUT" >> "$dir/ups.conf"
        i=$((i + 1))
    done
    NUT_PIDS=()
    for ((i = 0; i < ${#DEVS[@]}; i++)); do
        NUT_CONFPATH=$dir NUT_STATEPATH=$dir NUT_ALTPIDPATH=$dir "/lib/nut/$drv" -a "u$i" -F -u root \
            > "$dir/u$i.log" 2>&1 &
        NUT_PIDS+=($!)
        PIDS+=($!)
    done
}

start_ours() { # map
    local map=$1 i=0 dir=$TMP/ours
    rm -rf "$dir"; mkdir -p "$dir/run"
    {
        printf 'state_dir: %s/run\nplugin_dir: %s\nuser: root\ndevices:\n' "$dir" "$PLUGINS"
        for d in "${DEVS[@]}"; do
            printf '  u%d:\n    driver: modbus\n    map: %s\n    port: %s\n    pollinterval: 1\n' "$i" "$map" "$d"
            [ "$map" = generic ] && printf '%s\n' "$GENERIC_OURS"
            i=$((i + 1))
        done
    } > "$dir/nutpp.yaml"
    "$BIN/upsdrvd" -F -f "$dir/nutpp.yaml" > "$dir/upsdrvd.log" 2>&1 &
    OUR_PIDS=($!)
    PIDS+=($!)
}

# cpu pids...: % of one core over CPU_WINDOW s, after 3 s of start-up; "died" if a process is gone.
CPU_WINDOW=${CPU_WINDOW:-20}
cpu() {
    sleep 3
    local t0; t0=$(ticks_of "$@")
    sleep "$CPU_WINDOW"
    for p in "$@"; do [ -e "/proc/$p" ] || { echo died; return; }; done
    local t1; t1=$(ticks_of "$@")
    awk -v d=$((t1 - t0)) -v hz="$HZ" -v w="$CPU_WINDOW" 'BEGIN {printf "%.2f", d * 100 / hz / w}'
}

echo "== one device, pollinterval 1 s, $SECONDS_RUN s: requests per poll and median ms per poll (slave-side timing)"
printf '%-22s %-5s | %8s %8s %6s | %8s %8s %6s | %s\n' map link "ours req" "ours ms" polls "NUT req" "NUT ms" polls "ms ratio ours/NUT"
for map in socomec_jbus phoenixcontact_quint huawei_ups2000 generic; do
    link=pty; [ "$map" = generic ] && link=tcp
    start_sim "$map" "$link" 1; start_ours "$map"; wait_sim; read -r op oreq oms <<< "$RESULT"; stop_all
    start_sim "$map" "$link" 1; start_nut "$map"; wait_sim; read -r np nreq nms <<< "$RESULT"; stop_all
    printf '%-22s %-5s | %8s %8s %6s | %8s %8s %6s | %s\n' "$map" "$link" "$oreq" "$oms" "$op" "$nreq" "$nms" "$np" \
        "$(awk -v a="$oms" -v b="$nms" 'BEGIN {if (b > 0) printf "%.2f", a / b; else print "-"}')"
done

echo "== 20 devices, pollinterval 1 s: CPU (% of one core) of the drivers"
printf '%-22s %-5s | %10s | %10s\n' map link "ours" "NUT (20 procs)"
for spec in socomec_jbus:pty phoenixcontact_quint:pty generic:tcp socomec_jbus:tcp; do
    map=${spec%%:*} link=${spec##*:}
    start_sim "$map" "$link" 20 $((CPU_WINDOW + 10)); start_ours "$map"; ours=$(cpu "${OUR_PIDS[@]}"); stop_all
    nut=-
    if [ "$link" = pty ] || [ "$map" = generic ]; then # NUT's RTU drivers cannot use TCP
        start_sim "$map" "$link" 20 $((CPU_WINDOW + 10)); start_nut "$map"; nut=$(cpu "${NUT_PIDS[@]}"); stop_all
    fi
    printf '%-22s %-5s | %10s | %10s\n' "$map" "$link" "$ours" "$nut"
done
