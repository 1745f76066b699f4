#!/usr/bin/python3
"""Convert the SNMP recordings in tests/testdata/snmp into .snmprec files for snmpsim.

Usage: convert.py [--src DIR] [--out DIR]
  default src: the parent folder (tests/testdata/snmp), default out: this folder.

Every `*.snmpwalk` (net-snmp output, numeric `-On` or symbolic) and every existing
`*.snmprec` under src is written as out/<basename>.snmprec, with records sorted by
numeric OID and duplicates dropped (snmpsim answers GETNEXT from the file order, so
unsorted input would break walks). The community name snmpsim serves a file under is
its basename.

Symbolic names (SNMPv2-MIB::sysDescr.0, SNMPv2-SMI::mib-2.33...) are resolved with
`snmptranslate -On` when net-snmp has the MIB, else with the MIB modules that ship
compiled inside pysnmp (Debian python3-pysnmp4, a dependency of snmpsim), else with
the small WELL_KNOWN table below. A line that still cannot be resolved is reported
on stderr and left out.

Value typing rules (net-snmp print formats):
  INTEGER: n / INTEGER: name(n) / INTEGER: n units -> 2
  STRING: "x" / STRING: x / ""    -> 4 (4x hex when not plain printable ASCII)
  Hex-STRING: 00 01               -> 4x
  OID: x                          -> 6 (value resolved like names)
  IpAddress: a.b.c.d              -> 64 (leading zeros of octets dropped)
  Counter32 / Gauge32 / Timeticks / Counter64 -> 65 / 66 / 67 / 70
  a bare number (no type)         -> 67: net-snmp prints only TimeTicks untyped
                                     (with -Ot); Centreon's edited APC walks have these.
  "No more variables left ..."    -> end-of-walk marker, skipped.
"""
import argparse
import os
import re
import subprocess
import sys

# Names neither snmptranslate (no IETF MIBs in Debian main) nor pysnmp know.
WELL_KNOWN = {
    "DISMAN-EVENT-MIB::sysUpTimeInstance": "1.3.6.1.2.1.1.3.0",
}

_cache = {}
_pysnmp_view = None


def _pysnmp_resolve(name):
    """Resolve MODULE::label[.suffix] with pysnmp's compiled MIBs; None if unknown."""
    global _pysnmp_view
    try:
        from pysnmp.smi import builder, view
    except ImportError:
        return None
    if _pysnmp_view is None:
        b = builder.MibBuilder()
        b.loadModules("SNMPv2-SMI", "SNMPv2-MIB", "SNMP-FRAMEWORK-MIB", "SNMP-MPD-MIB",
                      "SNMP-USER-BASED-SM-MIB", "SNMP-VIEW-BASED-ACM-MIB")
        _pysnmp_view = (b, view.MibViewController(b))
    b, mv = _pysnmp_view
    mod, _, rest = name.partition("::")
    label, _, suffix = rest.partition(".")
    try:
        (sym,) = b.importSymbols(mod, label)
    except Exception:
        return None
    oid = ".".join(str(x) for x in sym.getName())
    return oid + ("." + suffix if suffix else "")


def resolve(name):
    """Return the numeric OID (no leading dot) for a numeric or symbolic name."""
    name = name.strip()
    if re.fullmatch(r"\.?\d+(\.\d+)*", name):
        return name.lstrip(".")
    if name in _cache:
        return _cache[name]
    oid = WELL_KNOWN.get(name)
    if oid is None:
        try:
            r = subprocess.run(["snmptranslate", "-On", name], capture_output=True,
                               text=True, timeout=10)
            out = r.stdout.strip()
            if r.returncode == 0 and re.fullmatch(r"\.\d+(\.\d+)*", out):
                oid = out.lstrip(".")
        except (OSError, subprocess.TimeoutExpired):
            pass
    if oid is None:
        oid = _pysnmp_resolve(name)
    _cache[name] = oid
    return oid


def encode_string(s):
    """Plain text for printable ASCII without '|' or edge blanks (snmpsim trims
    those), else hex (snmprec tag 4x)."""
    raw = s.encode("utf-8")
    if all(0x20 <= c < 0x7f for c in raw) and "|" not in s and s == s.strip():
        return "4", s
    return "4x", raw.hex()


LINE = re.compile(r"^(\S+) = ?(.*)$")


def parse_value(oid_text, rest):
    """Map one net-snmp value text to (tag, value); None to skip the line."""
    if rest.startswith("No more variables") or rest.startswith("No Such"):
        return None
    if rest == '""':
        return "4", ""
    m = re.fullmatch(r"-?\d+", rest)
    if m:
        return "67", rest
    typ, _, val = rest.partition(": ")
    if typ == "INTEGER":
        # enum label form name(3), or a number followed by DISPLAY-HINT units
        m = re.search(r"\((-?\d+)\)$", val) or re.match(r"(-?\d+)", val)
        if not m:
            raise ValueError("bad INTEGER: " + val)
        return "2", m.group(1)
    if typ == "STRING":
        if len(val) >= 2 and val.startswith('"') and val.endswith('"'):
            val = val[1:-1].replace('\\"', '"')
        return encode_string(val)
    if typ == "Hex-STRING":
        return "4x", val.replace(" ", "").lower()
    if typ == "OID":
        o = resolve(val)
        if o is None:
            raise ValueError("cannot resolve OID value " + val)
        return "6", o
    if typ == "IpAddress":
        return "64", ".".join(str(int(p)) for p in val.split("."))
    if typ in ("Counter32", "Gauge32", "Counter64"):
        m = re.match(r"(\d+)", val)
        if not m:
            raise ValueError(f"bad {typ}: {val}")
        return {"Counter32": "65", "Gauge32": "66", "Counter64": "70"}[typ], m.group(1)
    if typ == "Timeticks":
        m = re.match(r"\((\d+)\)", val)
        return "67", (m.group(1) if m else val.strip())
    raise ValueError("unknown value type in: " + rest)


def oid_key(oid):
    return tuple(int(x) for x in oid.split("."))


def convert_walk(path):
    records, problems = {}, []
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip() or line.startswith("#"):
            continue
        m = LINE.match(line)
        if not m:
            problems.append("unparsed line: " + line)
            continue
        name, rest = m.group(1), m.group(2)
        # a quoted string may run over several lines, Hex-STRING wraps after 16 bytes
        while rest.startswith('STRING: "') and not rest.endswith('"') and i < len(lines):
            rest += "\n" + lines[i]
            i += 1
        while rest.startswith("Hex-STRING:") and i < len(lines) and \
                re.fullmatch(r"([0-9A-Fa-f]{2} ?)+", lines[i].strip()):
            rest += " " + lines[i].strip()
            i += 1
        oid = resolve(name)
        if oid is None:
            problems.append("cannot resolve name " + name)
            continue
        try:
            v = parse_value(name, rest)
        except ValueError as e:
            problems.append(f"{name}: {e}")
            continue
        if v is not None:
            records.setdefault(oid, v)
    return records, problems


def convert_snmprec(path):
    """Copy records; a plain string (tag 4) holding non-ASCII bytes becomes 4x hex,
    so the output files are pure ASCII whatever the source encoding was."""
    records, problems = {}, []
    for raw in open(path, "rb").read().split(b"\n"):
        raw = raw.rstrip(b"\r")  # some sources have CRLF line ends
        if not raw.strip() or raw.startswith(b"#"):
            continue
        parts = raw.split(b"|", 2)
        if len(parts) != 3:
            problems.append("bad record: %r" % raw)
            continue
        oid, tag, val = parts[0].decode("ascii").lstrip("."), parts[1].decode("ascii"), parts[2]
        # snmpsim trims blanks around a plain value, so those go as hex too
        if tag == "4" and (not all(0x20 <= c < 0x7f for c in val) or val != val.strip()):
            tag, text = "4x", val.hex()
        else:
            text = val.decode("ascii")
        records.setdefault(oid, (tag, text))
    return records, problems


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", default=os.path.dirname(here))
    ap.add_argument("--out", default=here)
    args = ap.parse_args()
    failed = False
    for root, _dirs, files in sorted(os.walk(args.src)):
        if os.path.abspath(root).startswith(os.path.abspath(args.out)):
            continue
        for f in sorted(files):
            base, ext = os.path.splitext(f)
            if ext not in (".snmpwalk", ".snmprec"):
                continue
            path = os.path.join(root, f)
            conv = convert_walk if ext == ".snmpwalk" else convert_snmprec
            records, problems = conv(path)
            for p in problems:
                print(f"{path}: {p}", file=sys.stderr)
            failed |= any(p.startswith("cannot") or p.startswith("unparsed") for p in problems)
            out = os.path.join(args.out, base + ".snmprec")
            with open(out, "w", encoding="ascii") as o:
                for oid in sorted(records, key=oid_key):
                    tag, val = records[oid]
                    o.write(f"{oid}|{tag}|{val}\n")
            print(f"{os.path.relpath(path, args.src)} -> {os.path.basename(out)}: "
                  f"{len(records)} records")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
