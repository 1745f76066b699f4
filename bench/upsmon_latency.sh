#!/usr/bin/env bash
# upsmon event latency, real NUT 2.8.0 beside nutpp, in one run: a .dev file is rewritten OL -> OB
# and we time from the rename until NOTIFYCMD runs (the notify script records bash's $EPOCHREALTIME). Per configuration
# TRIALS flips (default 8), each after a random 0-1 s pause so the flip lands at a random point of
# the polling cycles. Configurations:
#   nut-default   dummy-ups pollinterval 2 + upsd + upsmon POLLFREQ 5 / POLLFREQALERT 5 (NUT's defaults)
#   nut-fastest   dummy-ups pollinterval 1 + upsd + upsmon POLLFREQ 1 / POLLFREQALERT 1
#   ours-pi2      upsdrvd(sim) pollinterval 2 (NUT's default driver cadence) + upsd + upsmon, push
#                 (the sim watches its file with inotify, so the driver poll interval is not in the chain)
#   ours-pi1      the same with pollinterval 1 (NUT's fastest driver cadence)
#   ours-pi0.1    the same with pollinterval 0.1: what remains is push + re-poll + exec
# upsmon polls only every 5 s in ours-*, so what is measured there is the push path.
# Real upsmon always writes /run/nut/upsmon.pid: it runs under `unshare -m` with a tmpfs there.
# Never a real shutdown: SHUTDOWNCMD is a recording script, and nothing reaches LB.
#   bench/upsmon_latency.sh [build-dir]      (needs root for unshare -m; nut-server + nut-client)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd) # absolute: it ends up in config files
BIN=$BUILD/bin
PLUGINS=$BUILD/lib/nutpp/drivers
TRIALS=${TRIALS:-8}
for b in "$BIN/upsd" "$BIN/upsdrvd" "$BIN/upsmon" /lib/nut/upsd /lib/nut/dummy-ups /lib/nut/upsmon; do
    [ -x "$b" ] || { echo "missing $b (build first; NUT: apt-get install nut-server nut-client)" >&2; exit 1; }
done
[ -d "$PLUGINS" ] || PLUGINS=$(dirname "$(find "$BUILD" -name 'sim*.so' -print -quit)")

TMP=$(mktemp -d /tmp/nutpp-latency.XXXXXX)
PIDS=()
stop_all() { # only the PIDs started here
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    PIDS=()
}
trap 'stop_all; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM PIPE

# The script stamps the moment it runs with bash's own clock (no `date` child in the measurement).
cat > "$TMP/notify.sh" <<'SH'
#!/bin/bash
printf '%s %s\n' "$EPOCHREALTIME" "$NOTIFYTYPE" >> "$EVENTS"
SH
cat > "$TMP/shutdown.sh" <<'SH'
#!/bin/sh
echo "$(date +%s.%N) SHUTDOWNCMD (recorded, not run)" >> "$EVENTS.shutdown"
SH
chmod +x "$TMP/notify.sh" "$TMP/shutdown.sh"

# Rewrites the .dev (new inode and mtime: both drivers notice) and prints the time of the rename,
# taken right after it in the same process (a `date` before an `mv` would add mv's start-up).
flip() { # dev status
    printf 'ups.status: %s\nbattery.charge: 100\ndevice.mfr: nutpp-bench\n' "$2" > "$1.tmp"
    python3 -c 'import os, sys, time; os.replace(sys.argv[1], sys.argv[2]); print("%.6f" % time.time())' "$1.tmp" "$1"
}
# Waits until EVENTS has a line of type $2 after line $1; prints its time.
wait_event() { # events skip type timeout_s
    local end=$((SECONDS + $4)) line
    while [ $SECONDS -lt $end ]; do
        line=$(tail -n +"$(($2 + 1))" "$1" 2>/dev/null | awk -v t="$3" '$2 == t {print $1; exit}')
        [ -n "$line" ] && { echo "$line"; return 0; }
        sleep 0.01
    done
    return 1
}
# Runs TRIALS OL -> OB flips against the upsmon writing to $EVENTS; appends latencies (ms) to $2.
trials() { # dev out
    local i t0 t1 n
    touch "$EVENTS"
    sleep 4 # daemons up and upsmon past its first poll (no event is raised for a steady OL)
    for i in $(seq "$TRIALS"); do
        sleep "0.$((RANDOM % 1000))"
        n=$(wc -l < "$EVENTS" 2>/dev/null || echo 0)
        t0=$(flip "$1" "OB DISCHRG")
        t1=$(wait_event "$EVENTS" "$n" ONBATT 30) || { echo "  trial $i: no ONBATT within 30 s" >&2; continue; }
        echo "$t0 $t1" | awk '{printf "%.1f\n", ($2 - $1) * 1000}' >> "$2"
        n=$(wc -l < "$EVENTS")
        # Back to OL; 1.1 s later at least, since dummy-ups compares whole-second mtimes.
        sleep 1.1
        flip "$1" "OL" >/dev/null
        wait_event "$EVENTS" "$n" ONLINE 30 >/dev/null || echo "  trial $i: no ONLINE" >&2
        sleep 1.1
    done
}

run_nut() { # label pollinterval pollfreq pollfreqalert
    local d=$TMP/$1 port=$((20000 + RANDOM % 20000))
    mkdir -p "$d"
    printf 'ups.status: OL\nbattery.charge: 100\ndevice.mfr: nutpp-bench\n' > "$d/ups.dev"
    printf '[dummy]\n  driver = dummy-ups\n  port = %s\n  pollinterval = %s\n' "$d/ups.dev" "$2" > "$d/ups.conf"
    printf 'LISTEN 127.0.0.1 %s\n' "$port" > "$d/upsd.conf"
    echo MODE=standalone > "$d/nut.conf"
    printf '[mon]\n  password = pp\n  upsmon primary\n' > "$d/upsd.users"
    cat > "$d/upsmon.conf" <<CONF
RUN_AS_USER root
MONITOR dummy@127.0.0.1:$port 1 mon pp primary
MINSUPPLIES 1
POLLFREQ $3
POLLFREQALERT $4
POWERDOWNFLAG $d/killpower
SHUTDOWNCMD "$TMP/shutdown.sh"
NOTIFYCMD "$TMP/notify.sh"
NOTIFYFLAG ONLINE SYSLOG+EXEC
NOTIFYFLAG ONBATT SYSLOG+EXEC
CONF
    chmod 0600 "$d"/*.conf "$d/upsd.users"
    export NUT_CONFPATH=$d NUT_STATEPATH=$d NUT_ALTPIDPATH=$d EVENTS=$d/events
    /lib/nut/dummy-ups -a dummy -u root -F > "$d/driver.log" 2>&1 & PIDS+=($!)
    for _ in $(seq 100); do [ -S "$d/dummy-ups-dummy" ] && break; sleep 0.05; done
    /lib/nut/upsd -u root -F > "$d/upsd.log" 2>&1 & PIDS+=($!)
    sleep 1
    unshare -m sh -c "mkdir -p /run/nut && mount -t tmpfs none /run/nut && exec /lib/nut/upsmon -F" \
        > "$d/upsmon.log" 2>&1 & PIDS+=($!)
    trials "$d/ups.dev" "$TMP/$1.ms"
    stop_all
    unset NUT_CONFPATH NUT_STATEPATH NUT_ALTPIDPATH
}

run_ours() { # label pollinterval
    local d=$TMP/$1 port=$((20000 + RANDOM % 20000))
    mkdir -p "$d/run"
    printf 'ups.status: OL\nbattery.charge: 100\ndevice.mfr: nutpp-bench\n' > "$d/ups.dev"
    cat > "$d/nutpp.yaml" <<YAML
state_dir: $d/run
plugin_dir: $PLUGINS
server:
  listen: ["127.0.0.1:$port"]
users:
  mon: { password: pp, upsmon: primary }
devices:
  demo:
    driver: sim
    port: $d/ups.dev
    pollinterval: $2
monitor:
  monitors:
    - { ups: demo@127.0.0.1:$port, power: 1, user: mon, password: pp, role: primary }
  minsupplies: 1
  pollfreq: 5
  pollfreqalert: 5
  powerdownflag: $d/killpower
  shutdowncmd: "$TMP/shutdown.sh"
  notifycmd: "$TMP/notify.sh"
  notifyflag:
    ONLINE: syslog+exec
    ONBATT: syslog+exec
YAML
    export EVENTS=$d/events
    "$BIN/upsdrvd" -F -f "$d/nutpp.yaml" > "$d/upsdrvd.log" 2>&1 & PIDS+=($!)
    sleep 0.5
    "$BIN/upsd" -F -f "$d/nutpp.yaml" > "$d/upsd.log" 2>&1 & PIDS+=($!)
    sleep 0.5
    "$BIN/upsmon" -F -D -f "$d/nutpp.yaml" > "$d/upsmon.log" 2>&1 & PIDS+=($!)
    trials "$d/ups.dev" "$TMP/$1.ms"
    local pushes
    pushes=$(grep -c "re-polling after a push" "$d/upsmon.log" || true)
    echo "  $1: $pushes re-polls after a push (upsmon -D log)" >&2
    stop_all
}

stats() { # file -> "n median p90"  (nearest-rank)
    [ -s "$1" ] || { echo "0 - -"; return; }
    sort -n "$1" | awk '{v[NR]=$1} END {m=int((NR+1)/2); p=int(NR*0.9+0.999); if (p<1) p=1; if (p>NR) p=NR;
        printf "%d %.0f %.0f\n", NR, v[m], v[p]}'
}

echo "upsmon latency, .dev OL -> OB until NOTIFYCMD runs; $TRIALS trials each" >&2
run_nut nut-default 2 5 5
run_nut nut-fastest 1 1 1
run_ours ours-pi2 2
run_ours ours-pi1 1
run_ours ours-pi0.1 0.1

printf '%-12s %-52s %6s %10s %8s\n' config setup trials median_ms p90_ms
row() { read -r n med p90 < <(stats "$TMP/$1.ms"); printf '%-12s %-52s %6s %10s %8s\n' "$1" "$2" "$n" "$med" "$p90"; }
row nut-default "NUT 2.8.0 dummy-ups pi 2, upsmon POLLFREQ 5/5"
row nut-fastest "NUT 2.8.0 dummy-ups pi 1, upsmon POLLFREQ 1/1"
row ours-pi2    "nutpp sim pi 2, upsmon pollfreq 5 + push"
row ours-pi1    "nutpp sim pi 1, upsmon pollfreq 5 + push"
row ours-pi0.1  "nutpp sim pi 0.1, upsmon pollfreq 5 + push"
echo "raw (ms):" >&2
for f in nut-default nut-fastest ours-pi2 ours-pi1 ours-pi0.1; do echo "  $f: $(tr '\n' ' ' < "$TMP/$f.ms" 2>/dev/null)" >&2; done
