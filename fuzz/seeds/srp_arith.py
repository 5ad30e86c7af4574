#!/usr/bin/env python3
"""Seed inputs for the srp_arith target: deterministic pseudo-random bytes of several sizes, written to
corpus/srp_arith/ (named by their SHA-1, like cargo-fuzz's). `arbitrary` reads any bytes as a list of
operations, so each seed becomes some mix of conversions, comparisons, modular operations and
exponentiations; `cargo fuzz run srp_arith` grows them from there. Usage: fuzz/seeds/srp_arith.py"""
import hashlib
import os
import random

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus", "srp_arith")
os.makedirs(out, exist_ok=True)
rng = random.Random(3072)
for size in [16, 64, 200, 500, 800, 1200, 2000, 3000]:
    data = bytes(rng.getrandbits(8) for _ in range(size))
    with open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)
