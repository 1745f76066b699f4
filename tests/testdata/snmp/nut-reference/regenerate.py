#!/usr/bin/python3
"""Regenerate <recording>.txt: what real NUT 2.8.0 snmp-ups publishes for each recording.

For every ../snmprec/<name>.snmprec: start Debian's snmpsimd on a free loopback UDP
port, run Debian's /lib/nut/snmp-ups 2.8.0 (`-s <name> -u root -d 1`: configure from
the command line, dump the whole variable tree after one update loop, exit) with
mibs=auto and SNMP v1 (NUT's default), community = <name>, NUT_STATEPATH,
NUT_CONFPATH and NUT_ALTPIDPATH in a private temp dir. If auto finds nothing, the
explicit mib from EXPLICIT is tried too. `-d 1` prints the same tree a DUMPALL on the
driver socket returns, as `name: value` lines.

Output: a header of `#` lines (driver version, mib chosen, detection log line) then
NUT's lines with the socket escaping undone (as upsc shows them), except driver.parameter.port whose port number is replaced by
PORT so the files do not change from run to run.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SNMPREC = os.path.join(os.path.dirname(HERE), "snmprec")
sys.path.insert(0, SNMPREC)
import verify_served  # noqa: E402  (free_udp_port, start_snmpsimd)

DRIVER = "/lib/nut/snmp-ups"

# The mib NUT should use for recordings where `mibs=auto` may fail (partial walks).
EXPLICIT = {
    "apc_ups-apc-battery-low": "apcc",
    "apc_ups-apc-battery-ok": "apcc",
    "phoenixtec_outputlines": "xppc",
    "powerware_inputlines": "pw",
    "socomec_netvision_netvision5": "netvision",
    "socomec_netvision_netvision6": "netvision",
    "standard_ups-standard": "ietf",
    "standard_ups-standard-null-val": "ietf",
    "vertiv-power": "ietf",
    "emerson-network-power": "ietf",
}

NOISE = ("No matching MIB found", "Please report it", "Going back to the classic")


def run_driver(name, port, mibs, env):
    cmd = [DRIVER, "-s", name, "-u", "root", "-d", "1",
           "-x", f"port=127.0.0.1:{port}", "-x", f"community={name}", "-x", f"mibs={mibs}"]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    lines = [l for l in r.stdout.splitlines() if re.match(r"^[a-z][\w.-]*: ", l + " ")]
    log = [re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", l)
           for l in r.stderr.splitlines() if l.strip() and not l.startswith(NOISE)]
    return r.returncode, lines, log


def main():
    version = subprocess.run([DRIVER, "-V"], capture_output=True, text=True)
    version = (version.stdout + version.stderr).strip().splitlines()[0]
    port = verify_served.free_udp_port()
    tmp = tempfile.mkdtemp(prefix="nut-reference-")
    env = dict(os.environ)
    for k in ("NUT_STATEPATH", "NUT_CONFPATH", "NUT_ALTPIDPATH"):
        env[k] = tmp
    open(os.path.join(tmp, "ups.conf"), "w").close()
    proc = verify_served.start_snmpsimd(SNMPREC, port, os.path.join(tmp, "sim"))
    try:
        for f in sorted(os.listdir(SNMPREC)):
            if not f.endswith(".snmprec"):
                continue
            name = f[:-len(".snmprec")]
            tried = []
            rc, lines, log = run_driver(name, port, "auto", env)
            tried.append(("auto", rc, log))
            if rc != 0 and name in EXPLICIT:
                rc, lines, log = run_driver(name, port, EXPLICIT[name], env)
                tried.append((EXPLICIT[name], rc, log))
            data = next((l.split(": ", 1)[1] for l in lines
                         if l.startswith("driver.version.data: ")), None)
            head = [f"# {version} (Debian nut-snmp) against snmpsimd 0.4.5 serving "
                    f"../snmprec/{name}.snmprec, SNMP v1, community {name}"]
            for mibs, code, lg in tried:
                detect = next((l for l in lg if l.startswith(("Detected", "No supported",
                                                             "Requested"))), "")
                head.append(f"# mibs={mibs}: exit {code}; {detect}")
            if data:
                head.append(f"# NUT chose: {data} (mibs={tried[-1][0]})")
            else:
                head.append("# NUT chose: nothing - snmp-ups found no supported device, "
                            "no variables")
            # `-d` prints values escaped for the driver socket (\# \" \\); upsc shows them plain
            body = [re.sub(r"^(driver\.parameter\.port: 127\.0\.0\.1:)\d+$", r"\1PORT",
                           l.split(": ", 1)[0] + ": " + re.sub(r"\\(.)", r"\1", l.split(": ", 1)[1]))
                    for l in lines]
            with open(os.path.join(HERE, name + ".txt"), "w") as o:
                o.write("\n".join(head + body) + "\n")
            print(f"{name}: {data or 'nothing'}, {len(body)} variables")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
