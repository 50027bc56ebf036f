#!/usr/bin/env python3
"""Stronger sanity check of the extra files' gradients: 5-point (4th-order) central differences, h=1e-3,
on up to 40 elements per file (all |x|>=19 ones first), float64 without the float32 input rounding."""
import glob, json, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_formulas as cf
cf.EMULATE_F32_INPUT = False
worst = {}
EXTRA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden-extra")
for f in sorted(glob.glob(os.path.join(EXTRA, "*.json"))):
    d = json.load(open(f)); xs = d["input"]["values"]; g = d["grad"]["values"]; M = len(xs)
    gs = max(max(map(abs, g)), 1e-4 * abs(d["value"])) or 1.0
    picks = sorted(set([i for i, t in enumerate(xs) if abs(t) >= 19][:20]) | set(range(0, M, max(1, M // 20))))
    if d["loss"] == "hd_dt":  # the fields threshold p at 0.5: skip elements whose +-2h step crosses it
        picks = [i for i in picks if not cf.crosses_threshold(d, xs, i)]
    w = 0.0
    cf.SORT_TAPE = {"mode": "record", "orders": [], "pos": 0}  # freeze sort permutations (Lovasz, TopK)
    cf.evaluate(d, xs)
    cf.SORT_TAPE["mode"] = "replay"
    for i in picks:
        def F(dx):
            xx = list(xs); xx[i] += dx; cf.SORT_TAPE["pos"] = 0; return cf.evaluate(d, xx)
        h = 1e-3
        fd = (8 * (F(h) - F(-h)) - (F(2 * h) - F(-2 * h))) / (12 * h)
        w = max(w, abs(fd - g[i]) / gs)
    cf.SORT_TAPE = None
    prec = cf.is_precision(d)
    worst[os.path.basename(f)] = (w, prec)
f64 = [v for v, p in worst.values() if not p]; f32 = [v for v, p in worst.values() if p]
print(f"float64 files: max err/max|g| = {max(f64):.2e} (median {sorted(f64)[len(f64)//2]:.1e}); PRECISION files: {max(f32, default=0.0):.2e}")
for k, (v, p) in sorted(worst.items(), key=lambda kv: -kv[1][0])[:8]:
    print(f"  {k:55s} {v:.2e} {'PRECISION' if p else ''}")
