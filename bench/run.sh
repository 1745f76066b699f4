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
for b in "$BIN/nut_load" "$BIN/echo_floor" "$BIN/upsd" "$BIN/upsdrvd" /lib/nut/upsd /lib/nut/dummy-ups; do
    [ -x "$b" ] || { echo "missing $b (build first; NUT: apt-get install nut-server)" >&2; exit 1; }
done

# Many connections need many descriptors, for the servers (started below) and the load client.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
TMP=$(mktemp -d /tmp/nutpp-bench.XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$TMP"
}
trap cleanup EXIT
# So that the cleanup also runs when killed or when stdout goes away:
trap 'exit 1' INT TERM PIPE

NUT_PORT=$((20000 + RANDOM % 10000))
OUR_PORT=$((NUT_PORT + 1))

# --- real NUT
mkdir -p "$TMP/nut"
cp "$DEV" "$TMP/nut/demo.dev"
printf '[demo]\n\tdriver = dummy-ups\n\tport = demo.dev\n' >"$TMP/nut/ups.conf"
printf 'LISTEN 127.0.0.1 %s\n' "$NUT_PORT" >"$TMP/nut/upsd.conf" # NUT's defaults (MAXCONN 1024)
printf '[admin]\n\tpassword = x\n' >"$TMP/nut/upsd.users"
chmod 600 "$TMP/nut/"*
# exec: the background job's PID is then the server's own (for kill and for its CPU time).
export_nut() { exec env NUT_CONFPATH="$TMP/nut" NUT_STATEPATH="$TMP/nut" NUT_ALTPIDPATH="$TMP/nut" "$@"; }
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

field() { sed -E "s/.*\"$2\":([0-9.]+).*/\\1/" <<<"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1fx", a / b; else print "n/a" }'; }
# CPU time (ns) a process has used, all threads (/proc/PID/task/*/schedstat, first field).
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }'; }
# Of that, the time in user space (utime, clock ticks): the server's own code, without the kernel's
# TCP work, which is the same for any server answering one request per segment.
TICK_NS=$((1000000000 / $(getconf CLK_TCK)))
user_ns() { awk -v t="$TICK_NS" '{ printf "%.0f", $14 * t }' /proc/"$1"/stat; }
NUT_UPSD=${PIDS[1]}
OUR_UPSD=${PIDS[3]}
# One measurement: nut_load against one server; prints "r/s p50 p99 cpu_us/r replies user_us/r".
measure() { # server-pid port nut_load-args...
    local pid=$1 port=$2
    shift 2
    local c0 c1 u0 u1 out
    c0=$(cpu_ns "$pid")
    u0=$(user_ns "$pid")
    out=$("$BIN/nut_load" --port "$port" "$@")
    c1=$(cpu_ns "$pid")
    u1=$(user_ns "$pid")
    local replies
    replies=$(field "$out" replies)
    awk -v rs="$(field "$out" per_second)" -v p50="$(field "$out" p50_us)" -v p99="$(field "$out" p99_us)" \
        -v cpu=$((c1 - c0)) -v user=$((u1 - u0)) -v n="$replies" \
        'BEGIN { printf "%s %s %s %.2f %s %.2f", rs, p50, p99, (n > 0 ? cpu / n / 1000 : 0), n, (n > 0 ? user / n / 1000 : 0) }'
}
printf '%-36s | %-43s | %-43s | %s\n' "" "NUT 2.8.0 upsd" "nutpp upsd" "nutpp vs NUT"
printf '%-36s | %9s %7s %7s %8s %8s | %9s %7s %7s %8s %8s | %s\n' "scenario" "req/s" "p50us" "p99us" "cpu-us/r" \
    "user-us/r" "req/s" "p50us" "p99us" "cpu-us/r" "user-us/r" "cpu, user per request"
scenario() { # label, nut_load args...
    local label=$1
    shift
    read -r n_rs n_p50 n_p99 n_cpu _ n_usr <<<"$(measure "$NUT_UPSD" "$NUT_PORT" "$@")"
    read -r o_rs o_p50 o_p99 o_cpu _ o_usr <<<"$(measure "$OUR_UPSD" "$OUR_PORT" "$@")"
    printf '%-36s | %9s %7s %7s %8s %8s | %9s %7s %7s %8s %8s | %s, %s of NUT\n' "$label" "$n_rs" "$n_p50" "$n_p99" \
        "$n_cpu" "$n_usr" "$o_rs" "$o_p50" "$o_p99" "$o_cpu" "$o_usr" \
        "$(awk -v a="$o_cpu" -v b="$n_cpu" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')" \
        "$(awk -v a="$o_usr" -v b="$n_usr" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"
}
for req in get list; do
    for conns in 1 10 100 1000; do
        scenario "${req^^} VAR, $conns conn, closed loop" --request "$req" --connections "$conns" --seconds 3
    done
done
scenario "GET VAR, 10 conn, pipelined 32" --request get --connections 10 --depth 32 --seconds 3

# The kernel floor: a server that parses nothing and answers every line with a fixed VAR line,
# one send() per read. Its CPU per request is the TCP work (recv, send, loopback delivery to the
# client, wake-ups) that any server pays; what a server costs above it is its own code.
FLOOR_PORT=$((OUR_PORT + 1))
exec_floor() { exec "$BIN/echo_floor" "$FLOOR_PORT"; }
exec_floor &
PIDS+=($!)
FLOOR_PID=${PIDS[-1]}
sleep 0.3
for conns in 1 10 100; do
    read -r f_rs _ _ f_cpu _ f_usr <<<"$(measure "$FLOOR_PID" "$FLOOR_PORT" --request get --connections "$conns" --seconds 3)"
    printf '%-36s | %9s %7s %7s %8s %8s | %s
' "kernel floor: GET, $conns conn (echo)" "$f_rs" "" "" "$f_cpu" "$f_usr" \
        "the least any server can spend per request here"
done

# Connections held: open N at once, one GET each; how many are answered within 30 s.
held() { # port n
    local out
    out=$("$BIN/nut_load" --port "$1" --request get --connections "$2" --max-requests "$2" --seconds 30)
    echo "$(field "$out" replies)/$2 answered"
}
for n in 2000 10000; do
    printf '%-36s | %43s | %43s |\n' "$n simultaneous connections" "$(held "$NUT_PORT" "$n")" "$(held "$OUR_PORT" "$n")"
done

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
printf '%-36s | %40s ms | %40s ms | %s faster\n' "NUT's upsc demo@host (whole run)" "$nut_ms" "$our_ms" "$(ratio "$nut_ms" "$our_ms")"

rss() { awk '/VmRSS/ { print $2 }' "/proc/$1/status"; }
printf '%-36s | %40s kB | %40s kB |\n' "RSS driver (dummy-ups / upsdrvd)" "$(rss "${PIDS[0]}")" "$(rss "${PIDS[2]}")"
printf '%-36s | %40s kB | %40s kB |\n' "RSS upsd (after the runs)" "$(rss "$NUT_UPSD")" "$(rss "$OUR_UPSD")"
