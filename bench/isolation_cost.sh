#!/usr/bin/env bash
# What isolation: process costs, measured: RSS and CPU of N sim devices run in-process by one
# upsdrvd, the same N each in a worker process, and N real NUT 2.8.0 dummy-ups drivers (NUT's own
# model: one process per UPS) on the same .dev file; then the time from a worker crash to fresh data.
#   bench/isolation_cost.sh [build-dir] [N...]      (default N: 1 10 100)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
shift || true
COUNTS=("$@")
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(1 10 100)
BIN=$BUILD/bin
DEV=$ROOT/plugins/sim/data/cp1000avrlcd.dev
SEGV=$BUILD/test-plugins/nutpp-segv_in_poll.so
for b in "$BIN/upsdrvd" /lib/nut/dummy-ups "$SEGV"; do
    [ -e "$b" ] || { echo "missing $b (build first; NUT: apt-get install nut-server)" >&2; exit 1; }
done
TMP=$(mktemp -d /tmp/nutpp-isobench.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM PIPE
HZ=$(getconf CLK_TCK)
SETTLE=3   # seconds after start before measuring
WINDOW=10  # seconds of CPU measured

# Sum of RSS (KiB) and of utime+stime (ticks) over the given pids.
rss_of() { local t=0; for p in "$@"; do t=$((t + $(awk '/VmRSS/ {print $2}' /proc/$p/status 2>/dev/null || echo 0))); done; echo $t; }
ticks_of() { local t=0; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null || echo 0))); done; echo $t; }
# upsdrvd and its workers (children whose command line has --worker=).
family() { echo "$1"; pgrep -P "$1" -f -- '--worker=' || true; }

measure() { # label pids...: prints "RSS_MiB CPU_%"
    sleep "$SETTLE"
    local t0; t0=$(ticks_of "$@")
    sleep "$WINDOW"
    local t1; t1=$(ticks_of "$@")
    awk -v r="$(rss_of "$@")" -v d=$((t1 - t0)) -v hz="$HZ" -v w="$WINDOW" 'BEGIN {printf "%8.1f %7.2f", r/1024, 100*d/hz/w}'
}

run_ours() { # N isolation
    local n=$1 iso=$2 dir=$TMP/ours-$1-$2
    mkdir -p "$dir/run"
    { echo "state_dir: $dir/run"; echo "plugin_dir: $BUILD/lib/nutpp/drivers"; echo "user: root"; echo "devices:"
      for i in $(seq 1 "$n"); do printf '  d%d:\n    driver: sim\n    port: %s\n    pollinterval: 2\n    isolation: %s\n' "$i" "$DEV" "$iso"; done
    } >"$dir/nutpp.yaml"
    "$BIN/upsdrvd" -F -f "$dir/nutpp.yaml" >"$dir/log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    sleep 1
    kill -0 "$pid" 2>/dev/null || { echo "upsdrvd did not start:" >&2; cat "$dir/log" >&2; exit 1; }
    # shellcheck disable=SC2046
    local m; m=$(measure $(family "$pid"))
    local procs; procs=$(family "$pid" | wc -l)
    kill "$pid"; wait "$pid" 2>/dev/null || true
    echo "$m $procs"
}

run_nut() { # N dummy-ups drivers
    local n=$1 dir=$TMP/nut-$1 pids=()
    mkdir -p "$dir"
    for i in $(seq 1 "$n"); do
        cp "$DEV" "$dir/d$i.dev"
        printf '[d%d]\n\tdriver = dummy-ups\n\tport = d%d.dev\n' "$i" "$i" >>"$dir/ups.conf"
    done
    for i in $(seq 1 "$n"); do
        env NUT_CONFPATH="$dir" NUT_STATEPATH="$dir" NUT_ALTPIDPATH="$dir" /lib/nut/dummy-ups -a "d$i" -F -u root >"$dir/d$i.log" 2>&1 &
        pids+=($!)
        PIDS+=($!)
    done
    local m; m=$(measure "${pids[@]}")
    kill "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
    echo "$m $n"
}

echo "== RSS and CPU of N devices (pollinterval 2 s; CPU over ${WINDOW} s, % of one core)"
printf '%5s | %-28s | %-28s | %-28s | %s\n' N "in-process (RSS MiB, CPU%)" "process (RSS MiB, CPU%, procs)" "NUT dummy-ups (RSS MiB, CPU%)" "process/in-process RSS"
for n in "${COUNTS[@]}"; do
    read -r ir ic _ <<<"$(run_ours "$n" in-process)"
    read -r pr pc pn <<<"$(run_ours "$n" process)"
    read -r nr nc _ <<<"$(run_nut "$n")"
    printf '%5s | %10s %8s         | %10s %8s %6s  | %10s %8s         | %.1fx\n' "$n" "$ir" "$ic" "$pr" "$pc" "$pn" "$nr" "$nc" \
        "$(awk -v a="$pr" -v b="$ir" 'BEGIN {print (b > 0 ? a / b : 0)}')"
done

echo "== time from a worker crash to fresh data again (crash once, at the 2nd poll; pollinterval 0.2 s)"
dir=$TMP/crash
mkdir -p "$dir/run"
cat >"$dir/nutpp.yaml" <<YAML
state_dir: $dir/run
plugin_dir: $BUILD/lib/nutpp/drivers
user: root
devices:
  bad:
    driver: $SEGV
    port: none
    pollinterval: 0.2
    segv_on_poll: 2
    crash_file: $dir/crashes
    crashes: 1
YAML
# -D: log lines carry a time stamp (HH:MM:SS.mmm), so the crash time is upsdrvd's own, not when
# this script noticed the line.
"$BIN/upsdrvd" -F -D -f "$dir/nutpp.yaml" >"$dir/log" 2>&1 &
pid=$!
PIDS+=("$pid")
until grep -q "was killed by SIGSEGV" "$dir/log"; do sleep 0.005; done
until "$BIN/upsdrvd" -f "$dir/nutpp.yaml" --dump bad 2>&1 | grep -q '^ups.status: OL' &&
      ! "$BIN/upsdrvd" -f "$dir/nutpp.yaml" --dump bad 2>&1 | grep -q stale; do sleep 0.01; done
t1=$(date +%H:%M:%S.%N)
t0=$(grep -m1 "was killed by SIGSEGV" "$dir/log" | cut -d' ' -f1)
awk -v a="$t0" -v b="$t1" 'function s(t, p) {split(t, p, ":"); return p[1] * 3600 + p[2] * 60 + p[3]}
    BEGIN {printf "worker crash -> fresh data again: %.2f s (restart backoff 1.0 s + worker start + first poll)\n", s(b) - s(a)}'
