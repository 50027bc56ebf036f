#!/usr/bin/env python3
"""Independent sanity checks of tests/golden-extra: schema, value re-evaluation, central differences, case constraints."""
import glob, json, math, os, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_formulas as cf

EXTRA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden-extra")
GOLD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden")
bad = 0
worst_fd = {False: 0.0, True: 0.0}
stats = []
for f in sorted(glob.glob(os.path.join(EXTRA, "*.json"))):
    name = os.path.basename(f)[:-5]
    d = json.load(open(f))
    prefix, case = name.rsplit("__", 1)
    # base: the public 3d file for 5-D inputs (or when the anchor is 3-D only), else the 2d one
    b2, b3 = (os.path.join(GOLD, prefix + sfx + ".json") for sfx in ("__2d", "__3d"))
    base = json.load(open(b3 if (len(d["input"]["shape"]) == 5 or not os.path.exists(b2)) else b2))
    errs = []
    if list(d.keys()) != list(base.keys()):
        errs.append(f"keys {list(d.keys())}")
    for k in ("anchor", "loss", "params", "notes"):
        if d[k] != base[k]:
            errs.append(f"{k} differs")
    sh = d["input"]["shape"]
    M = cf.prod(sh)
    if len(d["input"]["values"]) != M or d["grad"]["shape"] != sh or len(d["grad"]["values"]) != M:
        errs.append("shape/len")
    if M > 600:
        errs.append(f"size {M}")
    if any(round(v, 4) != v for v in d["input"]["values"]):
        errs.append("not 4 decimals")
    p = d["params"]
    fmt = p["target_format"]
    N, C = sh[0], sh[1]
    S = cf.prod(sh[2:])
    tv = d["target"]["values"]
    if fmt == "indices":
        exp_t = [N, 1] + sh[2:] if p.get("target_layout") == "N1..." else [N] + sh[2:]
        if d["target"]["shape"] != exp_t or not all(isinstance(v, int) and 0 <= v < C for v in tv):
            errs.append("target indices")
        idx = [tv[n * S:(n + 1) * S] for n in range(N)]
    else:
        if d["target"]["shape"] != sh or not all(v in (0.0, 1.0) and isinstance(v, float) for v in tv):
            errs.append("target dense")
        if fmt == "onehot" and p.get("mode") != "multilabel":
            for n in range(N):
                for s in range(S):
                    if sum(tv[(n * C + c) * S + s] for c in range(C)) != 1.0:
                        errs.append("not one-hot"); break
        idx = None
    # case constraints
    def present_classes():
        if idx is not None:
            return {v for r in idx for v in r}
        return {c for n in range(N) for c in range(C) for s in range(S) if tv[(n * C + c) * S + s] == 1.0}
    if case == "absentclass" and present_classes() != set(range(C - 1)):
        errs.append(f"absentclass present={present_classes()}")
    if case == "bgsample":
        if idx is not None:
            if set(idx[0]) != {0}: errs.append("bgsample sample0")
        elif fmt == "onehot" and p.get("mode") != "multilabel":
            if not all(tv[s] == 1.0 for s in range(S)): errs.append("bgsample sample0 (onehot)")
        elif any(tv[(0 * C + c) * S + s] for c in range(C) for s in range(S)): errs.append("bgsample sample0")
    if case == "allbg" and any(tv): errs.append("allbg")
    if case == "allfg" and not all(tv): errs.append("allfg")
    if case == "extreme" and sum(abs(v) >= 19 for v in d["input"]["values"]) < 0.2 * M: errs.append("extreme count")
    # distance-map and blob families
    fg_rows = [[1 if (v > 0 if idx is not None else v == 1.0) else 0 for v in (idx[n] if idx is not None else
               tv[n * C * S:n * C * S + S])] for n in range(N)] if (idx is not None or C == 1) else None
    if case == "fgsample" and fg_rows is not None and not all(fg_rows[0]): errs.append("fgsample sample0")
    if case == "singlevoxel" and d["loss"] != "blob_dice" and [sum(r) for r in fg_rows] != [1] * N:
        errs.append("singlevoxel")
    if "dist" in d:
        if d["dist"]["shape"] != sh or d["dist"]["values"] != cf.kervadec_dist_doc(d):
            errs.append("dist is not Kervadec one_hot2dist of the target")
    if "instances" in d:
        ins = d["instances"]["values"]
        dims = sh[2:]
        for n in range(N):
            if ins[n * S:(n + 1) * S] != cf.label_components(fg_rows[n], dims):
                errs.append(f"instances sample {n} are not scipy.ndimage.label(target) (face connectivity)")
        if case == "noinst" and any(ins): errs.append("noinst")
        if case == "noinstsample" and (any(ins[:S]) or not all(any(ins[n * S:(n + 1) * S]) for n in range(1, N))):
            errs.append("noinstsample")
        if case == "many" and min(max(ins[n * S:(n + 1) * S]) for n in range(N)) < 8: errs.append("many")
        if case == "allfg" and not all(tv): errs.append("allfg")
    if d["loss"] == "dist_dice":
        for n in range(N):
            if cf.penalized_map(fg_rows[n], sh[2:]) is None: errs.append(f"dist_dice sample {n}: reference NaN")
    # value
    cf.EMULATE_F32_INPUT = True
    v = cf.evaluate(d, d["input"]["values"])
    if v != d["value"]:
        errs.append(f"value {v} != {d['value']}")
    # central differences (float64, no f32 input rounding) on up to 40 elements incl. the extreme ones
    cf.EMULATE_F32_INPUT = False
    xs = d["input"]["values"]
    g = d["grad"]["values"]
    # scale: max|grad|, but not below 1e-4*|value| -- where the whole gradient is ~1e-8 (MONAI sigmoid dice on an
    # empty target) a central difference of an O(1) value cannot resolve it to 1e-7 relative
    gs = max(max(abs(t) for t in g), 1e-4 * abs(d["value"])) or 1.0
    ext = [i for i, t in enumerate(xs) if abs(t) >= 19][:15]
    picks = sorted(set(ext) | set(range(0, M, max(1, M // 25))))
    worst = 0.0
    # sort-based losses (Lovasz, TopK) are piecewise smooth: freeze the permutation of the unperturbed point, so that
    # a key within h of another one does not put a kink inside the difference
    cf.SORT_TAPE = {"mode": "record", "orders": [], "pos": 0}
    cf.evaluate(d, xs)
    cf.SORT_TAPE["mode"] = "replay"
    def F(xx):
        cf.SORT_TAPE["pos"] = 0
        return cf.evaluate(d, xx)
    if d["loss"] == "hd_dt":
        # the distance fields threshold the prediction at 0.5: a difference that moves a voxel across it is meaningless
        picks = [i for i in picks if not cf.crosses_threshold(d, xs, i)]
    for i in picks:
        e = []
        for h in (1e-4, 1e-6):  # best of two steps (truncation vs. round-off), some gradients are ~1e-8
            xp, xm = list(xs), list(xs)
            xp[i] += h; xm[i] -= h
            fd = (F(xp) - F(xm)) / (2 * h)
            e.append(abs(fd - g[i]) / gs)
        worst = max(worst, min(e))
    cf.SORT_TAPE = None
    prec = cf.is_precision(d)
    tol = 1e-5 if prec else 1e-7
    if worst > tol:
        errs.append(f"fd {worst:.2e}")
    worst_fd[prec] = max(worst_fd[prec], worst)
    allzero = all(t == 0 for t in g)
    stats.append((name, d["value"], worst, allzero))
    if errs:
        bad += 1
        print("BAD", name, errs)
print(f"# {len(stats)} files, {bad} bad; worst fd/max|g|: float64 {worst_fd[False]:.2e}, PRECISION {worst_fd[True]:.2e}")
print("# all-zero gradients:", [s[0] for s in stats if s[3]])
