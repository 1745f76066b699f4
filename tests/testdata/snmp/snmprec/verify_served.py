#!/usr/bin/python3
"""Check that snmpsimd serves every .snmprec in this folder, record for record.

Starts Debian's snmpsimd (snmpsim 0.4.5) on a free 127.0.0.1 UDP port with a private
cache dir, walks each community (= file basename) with net-snmp's `snmpwalk -On` from
.1, converts the walk back with convert.py's parser and compares OID, type and value
with the file. Stops the snmpsimd it started (by PID). Exit status 1 on any mismatch.
"""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import convert  # noqa: E402


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_snmpsimd(data_dir, port, tmp):
    """snmpsimd drops to nobody when run as root, so its cache dir must be writable."""
    cache = os.path.join(tmp, "cache")
    os.makedirs(cache)
    parent = os.path.dirname(tmp.rstrip("/"))
    while parent.startswith(tempfile.gettempdir() + "/"):  # mkdtemp parents are 0700
        os.chmod(parent, 0o755)
        parent = os.path.dirname(parent)
    os.chmod(tmp, 0o777)
    os.chmod(cache, 0o777)
    cmd = [shutil.which("snmpsimd") or shutil.which("snmpsimd.py") or "snmpsim-command-responder",
           f"--data-dir={data_dir}", f"--agent-udpv4-endpoint=127.0.0.1:{port}",
           f"--cache-dir={cache}", f"--logging-method=file:{tmp}/snmpsimd.log"]
    if os.geteuid() == 0:
        cmd += ["--process-user=nobody", "--process-group=nogroup"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline:
        r = subprocess.run(["snmpget", "-v2c", "-c", "cyberpower", "-t", "1", "-r", "0",
                            f"127.0.0.1:{port}", ".1.3.6.1.2.1.1.2.0"], capture_output=True)
        if r.returncode == 0 or proc.poll() is not None:
            break
        time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError(f"snmpsimd did not answer on 127.0.0.1:{port}, see {tmp}/snmpsimd.log")
    if proc.poll() is not None:
        raise RuntimeError(f"snmpsimd exited, see {tmp}/snmpsimd.log")
    return proc


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else HERE
    port = free_udp_port()
    tmp = tempfile.mkdtemp(prefix="snmprec-verify-")
    proc = start_snmpsimd(data_dir, port, tmp)
    bad = 0
    try:
        for f in sorted(os.listdir(data_dir)):
            if not f.endswith(".snmprec"):
                continue
            community = f[:-len(".snmprec")]
            want, _ = convert.convert_snmprec(os.path.join(data_dir, f))
            walk = subprocess.run(["snmpwalk", "-v2c", "-On", "-Cc", "-t", "5", "-c", community,
                                   f"127.0.0.1:{port}", ".1"], capture_output=True, text=True)
            path = os.path.join(tmp, community + ".walk")
            open(path, "w").write(walk.stdout)
            got, problems = convert.convert_walk(path)
            # net-snmp prints printable OCTET STRINGs as text and others as hex; compare bytes
            def norm(tv):
                tag, val = tv
                if tag == "4":
                    return "4x", val.encode().hex()
                if tag == "64x":
                    return "64", ".".join(str(b) for b in bytes.fromhex(val))
                return tag, val.lower() if tag == "4x" else val
            diff = [o for o in set(want) | set(got)
                    if o not in want or o not in got or norm(want[o]) != norm(got[o])]
            status = "OK" if not diff and walk.returncode == 0 else "MISMATCH"
            bad += status != "OK"
            print(f"{status} {community}: file {len(want)} records, served {len(got)}"
                  + (f", {len(diff)} differ e.g. {sorted(diff, key=convert.oid_key)[:3]}" if diff else "")
                  + (f", snmpwalk: {walk.stderr.strip()[:200]}" if walk.returncode else ""))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
