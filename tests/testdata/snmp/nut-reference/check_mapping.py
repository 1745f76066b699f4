#!/usr/bin/python3
"""Dev tool: apply our mapping files to an .snmprec and compare with NUT's reference.

  check_mapping.py                 table: every recording, mib chosen, NUT count, match count
  check_mapping.py NAME [-v]       one recording: our variables, then every difference
  check_mapping.py --lint          static check of every mapping file against the format
  options: --mibs DIR (default plugins/snmp/mibs), --mib NAME (skip detection),
           --nut-numbers (format numbers as NUT 2.8.0 does: integral -> "%i", else "%.2f")

It reads the .snmprec directly (no agent) and evaluates the mapping the way
/work/snmp-mapping-format.md describes the engine: detection (sysoid equal-or-under in
detect_order, then probe in detect_order), first answering entry per variable wins, types
string/number/timeticks/enum/status/alarm/bits, flags, conversions. It is a model of the
engine for checking data files, not the engine; the C++ plugin is tested against NUT itself.
Variables named driver.* are not compared (the engine publishes those).
"""
import argparse
import os
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
TESTDATA = os.path.dirname(HERE)
SNMPREC = os.path.join(TESTDATA, "snmprec")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(TESTDATA)))
MIBS = os.path.join(REPO, "plugins", "snmp", "mibs")


def load_rec(path):
    rec = {}
    for line in open(path, encoding="ascii"):
        oid, tag, val = line.rstrip("\n").split("|", 2)
        if tag.endswith("x"):
            raw = bytes.fromhex(val)
            tag = tag[:-1]
        else:
            raw = val.encode()
        rec["." + oid] = (tag, raw)
    return rec


def oid_tuple(o):
    return tuple(int(x) for x in o.strip(".").split("."))


def load_mibs(d):
    mibs = []
    for f in sorted(os.listdir(d)):
        if f.endswith(".yaml"):
            m = yaml.safe_load(open(os.path.join(d, f)))
            m["_file"] = f
            mibs.append(m)
    return sorted(mibs, key=lambda m: m["detect_order"])


def detect(mibs, rec):
    sysoid = rec.get(".1.3.6.1.2.1.1.2.0")
    if sysoid:
        s = oid_tuple(sysoid[1].decode())
        for m in mibs:
            for so in m.get("sysoid", []):
                t = oid_tuple(so)
                # like NUT, a sysOID match is confirmed by the probe (model) OID
                if s[:len(t)] == t and m["probe"] in rec:
                    return m, "sysoid"
    for m in mibs:
        if m["probe"] in rec:
            return m, "probe"
    return None, None


def as_int(tag, raw, rec, depth=0):
    """Integer view of a value, NUT's nut_snmp_get_int rules (OID: pointed value or last arc)."""
    if tag in ("2", "65", "66", "70"):
        return int(raw)
    if tag == "67":
        return int(raw) // 100
    if tag == "4":
        try:
            return int(raw.decode("latin-1").strip(), 0)
        except ValueError:
            return None
    if tag == "6":
        target = "." + raw.decode().strip(".")
        if target in rec and depth == 0:
            return as_int(*rec[target], rec, 1)
        return int(target.rsplit(".", 1)[1])
    return None


def fmt_number(v, decimals, nut):
    if nut and decimals is None:
        return str(int(v)) if abs(v - int(v)) < 1e-9 else "%.2f" % v
    if decimals is not None:
        return "%.*f" % (decimals, v)
    s = "%.2f" % v
    return s.rstrip("0").rstrip(".") if "." in s else s


def convert(name, text):
    if name == "apc_date":
        p = text.replace("-", "/").split("/")
        if len(p) == 3 and all(x.isdigit() for x in p):
            y = p[2] if len(p[2]) == 4 else "20" + p[2]
            return f"{y}/{p[0]}/{p[1]}"
        return text
    if name == "hex_to_text":
        try:
            return bytes.fromhex(text.replace(" ", "")).decode("latin-1")
        except ValueError:
            return text
    if name == "strip_to_first_word":
        return text.split()[0] if text.split() else text
    raise ValueError("unknown convert " + name)


def evaluate(m, rec, nut_numbers=False):
    out, status, alarms = {}, [], []
    enums = m.get("enums", {}) or {}
    for v in m.get("vars", []):
        name, typ = v["name"], v.get("type", "string")
        if typ == "status":
            name = "ups.status"
        if typ == "alarm" or (typ == "bits" and v.get("target") == "alarm"):
            name = "ups.alarm"
        if name in out and typ not in ("status", "alarm", "bits"):
            continue
        if "oid" not in v or v["oid"] not in rec:
            if "default" in v and name not in out:
                out[name] = str(v["default"])
            continue
        tag, raw = rec[v["oid"]]
        flags = v.get("flags", [])
        val = None
        if typ == "string":
            if tag == "4":
                val = raw.decode("latin-1").rstrip("\0 ")
            elif tag == "67":
                val = str(int(raw) // 100)
            elif tag == "6":
                val = raw.decode()
            else:
                val = raw.decode()
            if "convert" in v:
                val = convert(v["convert"], val)
        elif typ in ("number", "timeticks"):
            if tag == "67" or typ == "timeticks":
                n = int(raw) / 100 if tag == "67" else as_int(tag, raw, rec)
            else:
                n = as_int(tag, raw, rec)
            if n is None:
                continue
            if ("neg_invalid" in flags and n < 0) or ("zero_invalid" in flags and n == 0):
                continue
            val = fmt_number(n * v.get("scale", 1), v.get("decimals"), nut_numbers)
        elif typ in ("enum", "status", "alarm"):
            table = enums[v["enum"]]
            n = as_int(tag, raw, rec)
            key = n if n in table else raw.decode("latin-1") if tag == "4" else None
            if key not in table:
                continue
            if ("neg_invalid" in flags and n is not None and n < 0) or \
                    ("zero_invalid" in flags and n == 0):
                continue
            t = table[key]
            if typ == "status":
                status += [x for x in str(t).split() if x]
                continue
            if typ == "alarm":
                if t:
                    alarms.append(str(t))
                continue
            val = str(t)
        elif typ == "bits":
            table = enums[v["bits"]]
            if v.get("encoding", "chars") == "chars":
                idx = [i for i, c in enumerate(raw.decode("latin-1")) if c == "1"]
            else:
                idx = [i for i in range(len(raw) * 8) if raw[i // 8] & (0x80 >> (i % 8))]
            texts = [str(table[i]) for i in idx if i in table and table[i]]
            if v.get("target") == "status":
                status += [x for t in texts for x in t.split()]
            else:
                alarms += texts
            continue
        if val is not None:
            out[name] = val
    if any(v.get("type") == "status" for v in m.get("vars", [])):
        seen = []
        for s in status:
            if s not in seen:
                seen.append(s)
        out["ups.status"] = " ".join(seen)
    if alarms:
        out["ups.alarm"] = " ".join(dict.fromkeys(alarms))
    # what the host (core/host/nut_normalizer.cpp) adds: device.* mirrors, device.type
    for k in ("mfr", "model", "serial"):
        if "ups." + k in out and not any(v["name"] == "device." + k for v in m.get("vars", [])):
            out["device." + k] = out["ups." + k]
    out.setdefault("device.type", "ups")
    return out


def load_ref(path):
    ref, chose = {}, None
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\n")
        if line.startswith("# NUT chose: "):
            chose = line[len("# NUT chose: "):]
        elif not line.startswith("#") and ": " in line:
            k, v = line.split(": ", 1)
            ref[k] = v
        elif not line.startswith("#") and line.endswith(":"):
            ref[line[:-1]] = ""
    return ref, chose


def compare(name, mibs, args, verbose):
    rec = load_rec(os.path.join(SNMPREC, name + ".snmprec"))
    if args.mib:
        m = next(x for x in mibs if x["name"] == args.mib)
        how = "explicit"
    else:
        m, how = detect(mibs, rec)
    ours = evaluate(m, rec, args.nut_numbers) if m else {}
    ref, chose = load_ref(os.path.join(HERE, name + ".txt"))
    ref = {k: v for k, v in ref.items() if not k.startswith("driver.")}
    same = [k for k in ref if ours.get(k) == ref[k]]
    if verbose:
        print(f"== {name}: our mib {m['name'] if m else None} ({how}); NUT: {chose}")
        for k in sorted(ours):
            print(f"{k}: {ours[k]}")
        print("-- differences (NUT | ours):")
        for k in sorted(set(ref) | set(ours)):
            if ref.get(k) != ours.get(k):
                print(f"  {k}: {ref.get(k, '<absent>')!r} | {ours.get(k, '<absent>')!r}")
    return (m["name"] if m else "-"), chose, len(ref), len(same), len(ours)


TOP_KEYS = {"name", "version", "description", "detect_order", "sysoid", "probe", "enums", "vars",
            "commands"}
VAR_KEYS = {"name", "oid", "type", "scale", "decimals", "flags", "enum", "writable", "convert",
            "encoding", "bits", "target", "default"}
TYPES = {"string", "number", "timeticks", "enum", "status", "alarm", "bits"}
FLAGS = {"static", "optional", "neg_invalid", "zero_invalid"}


def lint(mibs):
    """Static checks of the files against the format; returns the list of problems."""
    bad = []
    for m in mibs:
        f = m["_file"]
        keys = set(m) - {"_file"}
        if keys - TOP_KEYS or not {"name", "version", "detect_order", "probe"} <= keys:
            bad.append(f"{f}: top-level keys {sorted(keys)}")
        if m.get("name") + ".yaml" != f:
            bad.append(f"{f}: name {m.get('name')} differs from the file name")
        oids = [m["probe"]] + list(m.get("sysoid", []))
        for v in m.get("vars", []):
            where = f"{f}: {v.get('name')}"
            if set(v) - VAR_KEYS:
                bad.append(f"{where}: unknown keys {sorted(set(v) - VAR_KEYS)}")
            if v.get("type", "string") not in TYPES:
                bad.append(f"{where}: type {v.get('type')}")
            for k in ("enum", "bits"):
                if k in v and v[k] not in (m.get("enums") or {}):
                    bad.append(f"{where}: no enum table {v[k]}")
            if v.get("type") in ("enum", "status", "alarm") and "enum" not in v:
                bad.append(f"{where}: needs enum")
            if "oid" not in v and "default" not in v:
                bad.append(f"{where}: neither oid nor default")
            if str(v.get("name", "")).startswith("driver."):
                bad.append(f"{where}: driver.* is the engine's")
            if set(v.get("flags", [])) - FLAGS:
                bad.append(f"{where}: flags {v['flags']}")
            w = v.get("writable")
            if w and (set(w) - {"set_type", "min", "max", "maxlen"} or
                      w.get("set_type") not in ("integer", "string")):
                bad.append(f"{where}: writable {w}")
            if "oid" in v:
                oids.append(v["oid"])
        for c in m.get("commands") or []:
            if set(c) != {"name", "oid", "set_type", "value"} or c["value"] is None or \
                    c["set_type"] not in ("integer", "string"):
                bad.append(f"{f}: command {c}")
            oids.append(c.get("oid", ""))
        for o in oids:
            if not (isinstance(o, str) and o.startswith(".") and
                    all(x.isdigit() for x in o[1:].split("."))):
                bad.append(f"{f}: OID {o!r} is not numeric with a leading dot")
        for name, table in (m.get("enums") or {}).items():
            if not all(isinstance(t, str) for t in table.values()):
                bad.append(f"{f}: enum {name} has a non-text value")
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lint", action="store_true", help="only check the files against the format")
    ap.add_argument("recording", nargs="?")
    ap.add_argument("--mibs", default=MIBS)
    ap.add_argument("--mib")
    ap.add_argument("--nut-numbers", action="store_true")
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    mibs = load_mibs(args.mibs)
    if args.lint:
        problems = lint(mibs)
        print("\n".join(problems) or f"{len(mibs)} mapping files OK")
        return 1 if problems else 0
    names = [args.recording] if args.recording else sorted(
        f[:-4] for f in os.listdir(HERE) if f.endswith(".txt"))
    print(f"{'recording':40} {'ours':10} {'NUT chose':24} {'NUT':>4} {'same':>4} {'%':>5} {'ours':>4}")
    for n in names:
        mine, chose, total, same, count = compare(n, mibs, args, args.v or bool(args.recording))
        pct = f"{100 * same / total:.0f}" if total else "-"
        print(f"{n:40} {mine:10} {(chose or '')[:24]:24} {total:4} {same:4} {pct:>5} {count:4}")


if __name__ == "__main__":
    sys.exit(main())
