#!/usr/bin/env python3
"""SNMP scale benchmark (on demand, not in ctest): one upsdrvd + one upsd serving N SNMP UPSes,
side by side with real NUT 2.8.0 snmp-ups processes against the same agents.

Agents: bench/snmp_agent (built with the project): one UDP port, one thread, community dev<i> = UPS i,
all serving the RFC 1628 part of the Eaton 93E recording. It also measures data age: the time since
each device's last answered GET (upsdrvd holds data exactly that old).

    bench/snmp_scale.py [--build build] [--devices 1000] [--pollinterval 10] [--nut 50] [--window 60]

Prints one table: upsdrvd (N devices) vs NUT snmp-ups (--nut processes, measured and scaled to N).
"""
import argparse, json, os, signal, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def proc_stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    return int(parts[11]) + int(parts[12])  # utime + stime, clock ticks


def proc_status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def pss_kb(pid):
    """Proportional set size: shared library pages split between the processes that map them, so
    the sum over NUT's processes is not inflated by counting libnetsnmp 50 times."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def agent_stats(path):
    try:
        seen, first_all, p50, p99, mx, req = open(path).read().split()
        return dict(seen=int(seen), first_all_ms=float(first_all), p50=float(p50), p99=float(p99), max=float(mx),
                    requests=int(req))
    except (OSError, ValueError):
        return None


def upsd_statuses(port, names, timeout=5.0):
    """GET VAR <name> ups.status for every name over one connection; returns how many have a value."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    f = s.makefile("rwb")
    ok = 0
    for n in names:
        f.write(f"GET VAR {n} ups.status\n".encode())
    f.flush()
    for n in names:
        line = f.readline().decode()
        ok += line.startswith("VAR ")
    s.close()
    return ok


def list_ups_p99_ms(port, seconds=5.0):
    """LIST UPS over one connection, closed loop, for `seconds`: p99 latency of the whole reply."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    f = s.makefile("rwb")
    times = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t = time.perf_counter()
        f.write(b"LIST UPS\n")
        f.flush()
        while not f.readline().startswith(b"END LIST UPS"):
            pass
        times.append(time.perf_counter() - t)
    s.close()
    times.sort()
    return times[min(len(times) - 1, int(0.99 * len(times)))] * 1000 if times else -1


def cpu_share(pids, seconds):
    t0 = {p: proc_stat(p) for p in pids}
    time.sleep(seconds)
    ticks = sum(proc_stat(p) - t0[p] for p in pids)
    return ticks / os.sysconf("SC_CLK_TCK") / seconds


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--devices", type=int, default=1000)
    ap.add_argument("--pollinterval", type=float, default=10)
    ap.add_argument("--nut", type=int, default=50)
    ap.add_argument("--window", type=float, default=60)
    a = ap.parse_args()
    bin_ = os.path.join(a.build, "bin")
    plugin_dir = subprocess.run(["find", a.build, "-name", "nutpp-snmp.so"], capture_output=True, text=True).stdout.split()
    for b in ["snmp_agent", "upsdrvd", "upsd", "nut_load"]:
        if not os.access(os.path.join(bin_, b), os.X_OK):
            sys.exit(f"missing {bin_}/{b}: build first")
    if not plugin_dir:
        sys.exit("nutpp-snmp.so not built")
    plugin_dir = os.path.dirname(plugin_dir[0])
    tmp = tempfile.mkdtemp(prefix="nutpp-snmp-bench.")
    procs = []

    def start(argv, log, env=None):
        p = subprocess.Popen(argv, stdout=open(os.path.join(tmp, log), "w"), stderr=subprocess.STDOUT,
                             env=dict(os.environ, **(env or {})))
        procs.append(p)
        return p

    try:
        import resource
        resource.setrlimit(resource.RLIMIT_NOFILE, (65536, 65536))
    except (ValueError, OSError):
        pass
    try:
        data = os.path.join(tmp, "ups.snmprec")
        with open(os.path.join(ROOT, "tests/testdata/snmp/snmprec/eaton-93e-80.snmprec")) as src, open(data, "w") as dst:
            for line in src:
                if line.startswith("1.3.6.1.2.1.1.") or line.startswith("1.3.6.1.2.1.33."):
                    dst.write(line)
        port = 20000 + os.getpid() % 20000
        stats = os.path.join(tmp, "agent-stats")
        start([os.path.join(bin_, "snmp_agent"), "--port", str(port), "--devices", str(a.devices), "--data", data,
               "--stats", stats], "agent.log")
        upsd_port = port + 1
        names = [f"dev{i}" for i in range(a.devices)]
        cfg = [f"state_dir: {tmp}/run", f"plugin_dir: {plugin_dir}", "server:",
               f"  listen: [\"127.0.0.1:{upsd_port}\"]", "devices:"]
        for n in names:
            cfg.append(f"  {n}: {{driver: snmp, port: \"127.0.0.1:{port}\", community: {n}, "
                       f"pollinterval: {a.pollinterval:g}}}")
        with open(os.path.join(tmp, "nutpp.yaml"), "w") as f:
            f.write("\n".join(cfg) + "\n")
        os.chmod(os.path.join(tmp, "nutpp.yaml"), 0o600)
        time.sleep(1.2)  # the agent's first stats line
        t0 = time.monotonic()
        drv = start([os.path.join(bin_, "upsdrvd"), "-F", "-f", os.path.join(tmp, "nutpp.yaml")], "upsdrvd.log")
        time.sleep(0.5)
        upsd = start([os.path.join(bin_, "upsd"), "-F", "-f", os.path.join(tmp, "nutpp.yaml")], "upsd.log")
        # Start-up: every device has ups.status in upsd.
        up_s = None
        while time.monotonic() - t0 < 120:
            time.sleep(0.5)
            try:
                if upsd_statuses(upsd_port, names) == a.devices:
                    up_s = time.monotonic() - t0
                    break
            except OSError:
                pass
        print(f"upsdrvd: all {a.devices} devices in upsd after "
              f"{'%.1f s' % up_s if up_s else 'NOT within 120 s'}", flush=True)
        # Let the polls spread over the interval, then measure a window.
        time.sleep(max(2 * a.pollinterval, 5))
        cpu_holder = {}
        lv = subprocess.Popen([os.path.join(bin_, "nut_load"), "--host", "127.0.0.1", "--port", str(upsd_port), "--ups",
                               f"dev{a.devices // 2}", "--request", "list", "--connections", "1", "--depth", "1",
                               "--seconds", str(min(10, a.window))], stdout=subprocess.PIPE, text=True)
        cpu = cpu_share([drv.pid], a.window)
        upsd_cpu_note = ""
        lv_out = lv.communicate()[0].strip().splitlines()
        lv_json = json.loads(lv_out[-1]) if lv_out else {}
        ages = agent_stats(stats) or {}
        ours = dict(cpu=cpu, rss_mb=proc_status(drv.pid, "VmHWM") / 1024, pss_mb=pss_kb(drv.pid) / 1024, threads=proc_status(drv.pid, "Threads"),
                    startup=up_s, age_p50=ages.get("p50", -1) / 1000, age_p99=ages.get("p99", -1) / 1000,
                    age_max=ages.get("max", -1) / 1000, listvar_p99_ms=lv_json.get("p99_us", -1) / 1000,
                    upsd_rss_mb=proc_status(upsd.pid, "VmHWM") / 1024)
        ok_now = upsd_statuses(upsd_port, names)
        ours["listups_p99_ms"] = list_ups_p99_ms(upsd_port)
        for p in (upsd, drv):
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)

        # --- NUT: snmp-ups processes against the same agent.
        nut_pids = []
        nut_dir = os.path.join(tmp, "nut")
        os.makedirs(nut_dir)
        t1 = time.monotonic()
        for i in range(a.nut):
            p = start(["/lib/nut/snmp-ups", "-s", f"dev{i}", "-x", f"port=127.0.0.1:{port}", "-x", f"community=dev{i}",
                       "-x", "mibs=ietf", "-i", f"{int(a.pollinterval)}", "-F", "-u", "root"], f"nut-{i}.log",
                      {"NUT_STATEPATH": nut_dir, "NUT_ALTPIDPATH": nut_dir})
            nut_pids.append(p.pid)
        nut_start = time.monotonic() - t1
        time.sleep(max(2 * a.pollinterval, 5))
        alive = [p for p in nut_pids if os.path.exists(f"/proc/{p}")]
        nut_cpu = cpu_share(alive, a.window / 2)
        nut_rss = sum(proc_status(p, "VmHWM") for p in alive) / 1024
        nut_pss = sum(pss_kb(p) for p in alive) / 1024
        scale = a.devices / max(1, len(alive))
        print()
        print(f"SNMP scale: {a.devices} devices, pollinterval {a.pollinterval:g} s, window {a.window:g} s, "
              f"{os.cpu_count()} CPUs (shared machine)")
        print(f"| metric | nutpp upsdrvd ({a.devices} devices) | NUT snmp-ups ({len(alive)} processes) | "
              f"NUT scaled to {a.devices} | ratio nutpp/NUT |")
        print("|---|---|---|---|---|")
        print(f"| CPU, share of one core | {ours['cpu']*100:.1f} % | {nut_cpu*100:.1f} % | {nut_cpu*scale*100:.1f} % | "
              f"{(ours['cpu']/(nut_cpu*scale) if nut_cpu else float('nan')):.2f} |")
        print(f"| memory (peak RSS) | {ours['rss_mb']:.0f} MB | {nut_rss:.0f} MB | {nut_rss*scale:.0f} MB | "
              f"{ours['rss_mb']/(nut_rss*scale):.2f} |")
        print(f"| memory (PSS, shared pages split) | {ours['pss_mb']:.0f} MB | {nut_pss:.0f} MB | {nut_pss*scale:.0f} MB | "
              f"{ours['pss_mb']/(nut_pss*scale):.2f} |")
        print(f"| threads / processes | {ours['threads']} threads | {len(alive)} processes | {a.devices} processes | |")
        print(f"| start-up of all devices | {ours['startup'] if ours['startup'] is None else '%.1f s' % ours['startup']}"
              f" (in upsd) | {nut_start:.1f} s to fork | | |")
        print(f"| data age p50 / p99 / max | {ours['age_p50']:.1f} / {ours['age_p99']:.1f} / {ours['age_max']:.1f} s"
              f" (target < {2*a.pollinterval:g}) | | | |")
        print(f"| upsd LIST VAR p99 (1 client, while polling) | {ours['listvar_p99_ms']:.2f} ms | | | |")
        print(f"| upsd LIST UPS p99 (1 client, while polling; {a.devices} lines) | {ours['listups_p99_ms']:.2f} ms | | | |")
        print(f"| upsd peak RSS | {ours['upsd_rss_mb']:.0f} MB | | | |")
        print(f"| devices with ups.status at the end | {ok_now} / {a.devices} | | | |")
        print(f"(logs in {tmp})")
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
