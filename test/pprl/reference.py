#!/usr/bin/env python3
"""An independent implementation of precmed's Bloom-filter encodings
(docs/linkage.md, "Linking across sites without sharing identities"), from
the description in src/pprl/encode.c, with Python's hmac and hashlib.  It
prints the encodings the pg_regress test sql/pprl.sql checks, so the
expected bits there do not come from the C code under test.

  python3 test/pprl/reference.py

Only what the test cases use is implemented: name and text q-grams, date
and number tokens, double and random hashing, balancing, the salt field.
"""
import hashlib
import hmac
import re


def canonical(p):
    """The canonical params text (src/pprl/params.c)."""
    def field(f):
        s = "type=%s,k=%d" % (f["type"], f["k"])
        if f["type"] in ("name", "text"):
            s += ",q=%d,padding=%d" % (f["q"], 1 if f["padding"] else 0)
        elif f["type"] == "number":
            s += ",step=%s,neighbours=%d" % (repr(f["step"]) if f["step"] else "0", f["neighbours"])
        return s
    s = "precmed-clk/1;length=%d;hashing=%s;balanced=%d;salt_field=%d;fields=" % (
        p["length"], p["hashing"], 1 if p["balanced"] else 0, p["salt_field"])
    if p["fields"] is None:
        s += "*:" + field(p["default"])
    else:
        s += "|".join("%d:%s" % (i + 1, field(f)) for i, f in enumerate(p["fields"]))
    return s


def params(length=1024, hashing="double", balanced=False, salt_field=0, fields=None, **deflt):
    d = {"type": "text", "k": 10, "q": 2, "padding": True, "step": 0, "neighbours": 0}
    d.update(deflt)
    fs = None
    if fields is not None:
        fs = []
        for f in fields:
            g = dict(d)
            g.update(f)
            fs.append(g)
    return {"length": length, "hashing": hashing, "balanced": balanced,
            "salt_field": salt_field, "default": d, "fields": fs}


def normalize(f, v):
    if f["type"] == "name":
        return "".join(c.lower() for c in v if c.isascii() and c.isalpha() or not c.isascii())
    if f["type"] == "text":
        return " ".join(w for w in re.split(r"[^a-z0-9\x80-\U0010ffff]+", v.lower()) if w)
    if f["type"] == "date":
        m = re.fullmatch(r"(\d{4})[-/]?(\d{2})[-/]?(\d{2})", v.strip())
        return "%s%s%s" % m.groups()
    if f["type"] == "number":
        return format(float(v), "g") if f["step"] == 0 else v.strip()
    raise ValueError(f["type"])


def tokens(f, s):
    if f["type"] in ("name", "text"):
        pad = "_" * (f["q"] - 1) if f["padding"] else ""
        t = pad + s + pad
        if len(t) < f["q"]:
            return [t]
        return [t[i:i + f["q"]] for i in range(len(t) - f["q"] + 1)]
    if f["type"] == "date":
        y, m, d = s[:4], s[4:6], s[6:8]
        lo, hi = sorted((int(m), int(d)))
        return ["y:" + y, "m:" + m, "d:" + d, "md:%02d-%02d" % (lo, hi)]
    if f["type"] == "number":
        if f["step"] == 0:
            return ["n:" + s]
        import math
        cell = math.floor(float(s) / f["step"] + 0.5)
        return ["g:%d" % (cell + j) for j in range(-f["neighbours"], f["neighbours"] + 1)]
    raise ValueError(f["type"])


def hm(key, msg):
    return hmac.new(key, msg, hashlib.sha256).digest()


def positions(p, key, msg, k):
    l = p["length"]
    if p["hashing"] == "double":
        d = hm(key, msg)
        h1 = int.from_bytes(d[:8], "big")
        h2 = int.from_bytes(d[8:16], "big")
        return [(h1 % l + j * (1 + h2 % (l - 1))) % l for j in range(k)]
    out = []
    for j in range(k):
        if j % 8 == 0:
            d = hm(key, msg + b"\x00" + bytes([j // 8]))
        w = int.from_bytes(d[4 * (j % 8):4 * (j % 8) + 4], "big")
        out.append(w % l)
    return out


def field_spec(p, i):
    return p["fields"][i] if p["fields"] is not None else p["default"]


def token_positions(fields, secret, p):
    """{field number: [(token, [positions])]} for a record."""
    key = secret.encode()
    norm = [None if v is None else normalize(field_spec(p, i), v) for i, v in enumerate(fields)]
    salt = b""
    if p["salt_field"] and norm[p["salt_field"] - 1]:
        salt = norm[p["salt_field"] - 1].encode()
    out = {}
    for i, s in enumerate(norm):
        if not s:
            continue
        f = field_spec(p, i)
        prefix = b"f%d\x1f" % (i + 1) + salt + b"\x1f"
        out[i + 1] = [(t, positions(p, key, prefix + t.encode(), f["k"])) for t in tokens(f, s)]
    return out


def permutation(p, key):
    n = 2 * p["length"]
    perm = list(range(n))
    base = b"balance\x1f" + canonical(p).encode() + b"\x1f"
    block, used, d = 0, 8, b""
    for i in range(n - 1, 0, -1):
        if used == 8:
            d = hm(key, base + block.to_bytes(4, "big"))
            block += 1
            used = 0
        r = int.from_bytes(d[4 * used:4 * used + 4], "big") % (i + 1)
        used += 1
        perm[i], perm[r] = perm[r], perm[i]
    return perm


def params_id(p, field=None):
    what = "|clk" if field is None else "|field=%d" % field
    return hashlib.sha256((canonical(p) + what).encode()).digest()[:6]


def bits_of(posset, p, key):
    l = p["length"]
    bits = [1 if j in posset else 0 for j in range(l)]
    if p["balanced"]:
        full = bits + [1 - b for b in bits]
        perm = permutation(p, key)
        bits = [full[perm[j]] for j in range(2 * l)]
    return bits


def encoding(fields, secret, p, field=None):
    """The bit string clk_encode (field None) or clk_encode_fields[field] gives."""
    tp = token_positions(fields, secret, p)
    if field is not None:
        tp = {field: tp[field]} if field in tp else {}
    if not tp:
        return None
    posset = {x for lst in tp.values() for _, ps in lst for x in ps}
    bits = bits_of(posset, p, secret.encode())
    trailer = b"PM" + params_id(p, field)
    return "".join(map(str, bits)) + "".join(format(b, "08b") for b in trailer)


def dice(a, b):
    fa, fb = a[:-64], b[:-64]
    both = sum(1 for x, y in zip(fa, fb) if x == "1" and y == "1")
    return 2 * both / (fa.count("1") + fb.count("1"))


if __name__ == "__main__":
    p64 = params(length=64, k=2)
    print("-- bigrams of 'Anna' (text, padded) under secret 'key', length 64, k 2, double hashing")
    for t, ps in token_positions(["Anna"], "key", p64)[1]:
        print("%-4s %s" % (t, ps))
    print("clk_encode(ARRAY['Anna'], 'key', '{\"length\": 64, \"k\": 2}')")
    print(encoding(["Anna"], "key", p64))
    pr = params(length=64, k=9, hashing="random")
    print("-- random hashing, k 9 (two HMAC blocks per token)")
    for t, ps in token_positions(["Jo"], "key", pr)[1]:
        print("%-4s %s" % (t, ps))
    print(encoding(["Jo"], "key", pr))
    pb = params(length=64, k=2, balanced=True)
    print("-- balanced")
    print(encoding(["Anna"], "key", pb))
    pf = params(length=64, salt_field=3, fields=[
        {"type": "name", "k": 3}, {"type": "date", "k": 2}, {"type": "number", "k": 1, "step": 5, "neighbours": 1}])
    rec = ["O'Brien", "1980-07-03", "2612"]
    print("-- fields name, date, number (step 5, neighbours 1), salted by field 3")
    print(canonical(pf))
    for fno, lst in token_positions(rec, "key", pf).items():
        for t, ps in lst:
            print("f%d %-8s %s" % (fno, t, ps))
    print(encoding(rec, "key", pf))
    for i in (1, 2, 3):
        print("field", i, encoding(rec, "key", pf, field=i))
    a = encoding(["Anna", "Smith"], "key", params(length=128))
    b = encoding(["Ana", "Smith"], "key", params(length=128))
    print("-- dice(Anna Smith, Ana Smith), length 128")
    print(a)
    print(b)
    print(round(dice(a, b), 10))
