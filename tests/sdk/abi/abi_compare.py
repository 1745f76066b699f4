#!/usr/bin/env python3
"""Compares the ABI of <nutpp/driver.h> (abidw XML of tests/sdk/abi/probe.c) with the committed
baseline, by the header's VERSIONING rule: fields are only ever APPENDED to the end of a struct, and
an append comes with a NUTPP_ABI_MINOR bump. Every field of the baseline must keep its name, offset
and type; every enumerator its value. Exit 0 when the rule holds, 1 with the reasons when not.

usage: abi_compare.py BASELINE.abi BASELINE_MINOR CURRENT.abi CURRENT_MINOR
"""
import sys
import xml.etree.ElementTree as ET

RULE = ("nutpp ABI rule (sdk/include/nutpp/driver.h, VERSIONING): fields are only ever appended to the "
        "end of a struct, never inserted, reordered, retyped or removed, and every append bumps "
        "NUTPP_ABI_MINOR (then refresh the baseline: tests/sdk/abi/README.md)")


def load(path):
    root = ET.parse(path).getroot()
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}

    def name(tid, seen=()):
        e = by_id.get(tid)
        if e is None:
            return tid
        if tid in seen:
            return e.get("name", tid)
        seen = seen + (tid,)
        tag = e.tag
        if tag == "type-decl":
            return e.get("name")
        if tag == "pointer-type-def":
            return name(e.get("type-id"), seen) + "*"
        if tag == "qualified-type-def":
            return ("const " if e.get("const") == "yes" else "") + name(e.get("type-id"), seen)
        if tag == "typedef-decl":
            return e.get("name")
        if tag in ("class-decl", "union-decl", "enum-decl"):
            return e.get("name") or tag
        if tag == "array-type-def":
            return name(e.get("type-id"), seen) + "[%s]" % e.get("size-in-bits")
        if tag == "function-type":
            params = [name(p.get("type-id"), seen) for p in e.findall("parameter")]
            ret = e.find("return")
            return "fn(%s)->%s" % (", ".join(params), name(ret.get("type-id"), seen) if ret is not None else "void")
        return tag

    structs, enums = {}, {}
    for c in root.iter("class-decl"):
        if c.get("is-declaration-only") == "yes" or not c.get("name"):
            continue
        fields = []
        for m in c.findall("data-member"):
            v = m.find("var-decl")
            fields.append((v.get("name"), int(m.get("layout-offset-in-bits")), name(v.get("type-id"))))
        structs[c.get("name")] = (int(c.get("size-in-bits")), fields)
    for e in root.iter("enum-decl"):
        if e.get("name"):
            enums[e.get("name")] = {x.get("name"): int(x.get("value")) for x in e.findall("enumerator")}
    return structs, enums


def main():
    base_path, base_minor, cur_path, cur_minor = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    base_structs, base_enums = load(base_path)
    cur_structs, cur_enums = load(cur_path)
    problems, appended = [], []
    for sname, (bsize, bfields) in sorted(base_structs.items()):
        if sname not in cur_structs:
            problems.append("struct %s was removed" % sname)
            continue
        csize, cfields = cur_structs[sname]
        cur_by_name = {f[0]: f for f in cfields}
        for fname, off, ftype in bfields:
            cur = cur_by_name.get(fname)
            if cur is None:
                problems.append("%s.%s (at byte %d) was removed or renamed" % (sname, fname, off // 8))
            elif cur[1] != off:
                problems.append("%s.%s moved from byte %d to byte %d" % (sname, fname, off // 8, cur[1] // 8))
            elif cur[2] != ftype:
                problems.append("%s.%s changed type from %s to %s" % (sname, fname, ftype, cur[2]))
        base_names = {f[0] for f in bfields}
        for fname, off, ftype in cfields:
            if fname in base_names:
                continue
            if off < bsize:
                problems.append("%s.%s was inserted at byte %d, inside the released layout (%d bytes)"
                                % (sname, fname, off // 8, bsize // 8))
            else:
                appended.append("%s.%s (byte %d)" % (sname, fname, off // 8))
        if csize < bsize:
            problems.append("struct %s shrank from %d to %d bytes" % (sname, bsize // 8, csize // 8))
    for ename, values in sorted(base_enums.items()):
        cur = cur_enums.get(ename, {})
        for k, v in values.items():
            if cur.get(k) != v:
                problems.append("enum %s: %s was %d, is now %s" % (ename, k, v, cur.get(k, "removed")))
    if appended and cur_minor <= base_minor:
        problems.append("fields were appended without a NUTPP_ABI_MINOR bump (still %d): %s"
                        % (cur_minor, ", ".join(appended)))
    if cur_minor < base_minor:
        problems.append("NUTPP_ABI_MINOR went down from %d to %d" % (base_minor, cur_minor))
    if problems:
        print("ABI CHECK FAILED against the baseline of ABI 1.%d:" % base_minor)
        for p in problems:
            print("  - " + p)
        print(RULE)
        return 1
    what = ("appended in 1.%d: %s (refresh the baseline)" % (cur_minor, ", ".join(appended))) if appended else "identical"
    print("ABI check passed against the baseline of ABI 1.%d: %d structs, %d enums; %s"
          % (base_minor, len(base_structs), len(base_enums), what))
    return 0


if __name__ == "__main__":
    sys.exit(main())
