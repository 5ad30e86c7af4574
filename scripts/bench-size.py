#!/usr/bin/env python3
"""What the .wasm is made of: code bytes per function and per crate, from the name section of the
un-stripped build (target/wasm32-unknown-unknown/wasm-release/cognito_wasm.wasm, before wasm-bindgen and
wasm-opt): the one module `make pkg` builds, both classes, before scripts/wasm-split cuts it into the session,
refresh, sign-in and account modules. Any other module with a name section works too, e.g. a part split with
`--keep-names`. Usage: scripts/bench-size.py [file.wasm] [top-n]"""
import re
import sys
from collections import defaultdict


def leb(buf, i):
    result = shift = 0
    while True:
        b = buf[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, i


def symbol_path(name):
    """The leading path segments of a Rust symbol: legacy (`_ZN…E`, the crate is the first segment, or the first
    one inside `<…>` for trait impls), v0 (`_R…`, the first crate root `C…_<len><name>` and what follows), or a
    demangled `a::b::c`. Empty when it is not a Rust symbol."""
    if name.startswith("_ZN"):
        parts, i = [], 3
        while i < len(name) and name[i].isdigit():
            j = i
            while name[j].isdigit():
                j += 1
            n = int(name[i:j])
            parts.append(name[j : j + n])
            i = j + n
        if parts and parts[0].startswith("_$LT$"):
            inner = re.match(r"_\$LT\$([A-Za-z0-9_]+)", parts[0])
            return [inner.group(1)] + re.findall(r"\.\.([A-Za-z0-9_]+)", parts[0])[:1] if inner else []
        return parts
    if name.startswith("_R"):
        m = re.search(r"C[a-zA-Z0-9]*?_(\d+)", name)
        if not m:
            return []
        n = int(m.group(1))
        crate_name = name[m.end() : m.end() + n]
        rest = re.match(r"(\d+)([A-Za-z_][A-Za-z0-9_]*)", name[m.end() + n :])
        return [crate_name] + ([rest.group(2)[: int(rest.group(1))]] if rest else [])
    if "::" in name:
        return name.split("::")
    return []


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "target/wasm32-unknown-unknown/wasm-release/cognito_wasm.wasm"
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    buf = open(path, "rb").read()
    i = 8
    imported = 0
    bodies = []
    names = {}
    sections = defaultdict(int)
    while i < len(buf):
        sid = buf[i]
        size, j = leb(buf, i + 1)
        end = j + size
        if sid == 2:  # imports: count function imports (they take the first indices)
            n, k = leb(buf, j)
            for _ in range(n):
                for _ in range(2):
                    ln, k = leb(buf, k)
                    k += ln
                kind = buf[k]
                k += 1
                if kind == 0:
                    imported += 1
                    _, k = leb(buf, k)
                elif kind == 1:
                    k += 1
                    flags, k = leb(buf, k)
                    _, k = leb(buf, k)
                    if flags & 1:
                        _, k = leb(buf, k)
                elif kind == 2:
                    flags, k = leb(buf, k)
                    _, k = leb(buf, k)
                    if flags & 1:
                        _, k = leb(buf, k)
                elif kind == 3:
                    k += 2
                else:
                    _, k = leb(buf, k)
        if sid == 10:
            n, k = leb(buf, j)
            for _ in range(n):
                ln, k2 = leb(buf, k)
                bodies.append(ln + (k2 - k))
                k = k2 + ln
        if sid == 0:
            ln, k = leb(buf, j)
            name = buf[k : k + ln].decode()
            sections["custom:" + name] += size
            if name == "name":
                k += ln
                while k < end:
                    sub = buf[k]
                    sl, k2 = leb(buf, k + 1)
                    if sub == 1:
                        n, p = leb(buf, k2)
                        for _ in range(n):
                            idx, p = leb(buf, p)
                            nl, p = leb(buf, p)
                            names[idx] = buf[p : p + nl].decode(errors="replace")
                            p += nl
                    k = k2 + sl
        else:
            sections[{1: "type", 2: "import", 3: "function", 5: "memory", 7: "export", 10: "code", 11: "data"}.get(sid, str(sid))] += size
        i = end

    def crate(name):
        """The crate of a symbol (and, for this crate, its top module), from its mangled or plain name."""
        path = symbol_path(name)
        if not path:
            return "other"
        if path[0] in ("cognito_wasm", "core", "alloc") and len(path) > 1:
            return f"{path[0]}::{path[1]}"
        return {"hmac": "sha2", "hkdf": "sha2", "digest": "sha2", "js_sys": "wasm_bindgen"}.get(path[0], path[0])

    per_crate = defaultdict(int)
    rows = []
    for idx, size in enumerate(bodies):
        name = names.get(idx + imported, f"func[{idx + imported}]")
        rows.append((size, name))
        per_crate[crate(name)] += size
    total = sum(bodies)
    print(f"{path}: {len(buf)} bytes; sections: " + ", ".join(f"{k} {v}" for k, v in sorted(sections.items(), key=lambda x: -x[1])))
    print(f"\ncode by crate (heuristic, by symbol name; {total} bytes of function bodies):")
    for label, size in sorted(per_crate.items(), key=lambda x: -x[1]):
        print(f"  {size:8d}  {100 * size / total:5.1f}%  {label}")
    print(f"\ntop {top} functions:")
    for size, name in sorted(rows, reverse=True)[:top]:
        print(f"  {size:8d}  {name[:150]}")


main()
