#!/usr/bin/env python3
"""Generate extra golden files (edge cases) for every public loss family except the distance-map (boundary, hd_dt,
dpce, dist_dice, dice_boundary) and blob (blob_dice) families.

The loss formulas are the ones of check_formulas.py (imported, not modified). The `value` is computed by those float
functions unchanged. The `grad` comes from a small reverse-mode scalar autodiff (class Value below). The check_formulas
module globals (math, fsum, f32, sigmoid, log_sigmoid, smp_focal_fn) are swapped for Value-aware versions while the
gradient is taken, so the formulas and their float32 emulation spots are the very same code.

Backward rules copy torch where torch's rule is a convention rather than calculus:
  * abs / L1 vector_norm: d|u|/du = sgn(u), with sgn(0) = 0                      (torch sgn backward)
  * max(a, b) / clamp_min(v, eps): the gradient goes to the kept operand; a tie keeps the Value (torch clamp_min: mask v >= eps)
  * x ** k (constant k): k * x**(k-1), and 0 when k == 0                          (torch pow backward)
  * sigmoid: y * (1 - y) from the output y                                      (torch sigmoid_backward)
  * logsigmoid: the torch CPU kernel, z = exp(-|x|), x<0: 1 - z/(1+z), else z/(1+z)
  * F.binary_cross_entropy_with_logits (smp focal): sigmoid(x) - t             (torch fused backward)
  * float32 casts (f32 of an input, MONAI FocalLoss .float()): identity (straight-through), as torch's cast backward
  * torch.minimum (clDice soft erosion): the smaller operand gets the gradient, a tie gives each half of it
  * max_pool (clDice): the gradient goes to the element the forward picked, the FIRST maximum in window scan order
    (check_formulas.pool_pick returns that element itself, so this needs no patch)
  * relu: gradient only where the output is > 0 (threshold_backward)
  * sort / topk (Lovasz, TopK): the permutation is a constant; ties are broken by index. A file is only written if its
    gradient is the same with ties (and near-ties: keys rounded to 13 digits) broken the other way
    (check_formulas.TIE_REVERSE), else the case is redrawn with another seed
  * F.binary_cross_entropy_with_logits (smp SoftBCE): fused backward (pw*t + 1 - t)*sigmoid(x) - pw*t
Usage:
  python3 make_extra.py verify         # autodiff vs grad of every public in-scope golden file
  python3 make_extra.py generate [dir] [prefix ...]  # verify, then write the extra files (default tests/golden-extra;
                                                    # optional loss-name prefixes restrict which combos are written)
"""
import glob
import json
import math
import os
import random
import sys
import types
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_formulas as cf  # noqa: E402

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden")
IN_SCOPE = cf.IN_SCOPE
BASE_SEED = 20251123


# ============================================================================= reverse-mode scalar autodiff
_log_sigmoid_float = cf.log_sigmoid  # originals, captured before any patching
_sigmoid_float = cf.sigmoid
_bce_logits_elem_float = cf.bce_logits_elem
_bd_mean32_float = cf.bd_mean32
class Value:
    __slots__ = ("data", "grad", "parents", "locals")

    def __init__(self, data, parents=(), locals_=()):
        self.data = float(data)
        self.grad = 0.0
        self.parents = parents
        self.locals = locals_

    # -- arithmetic
    def __add__(self, o):
        if isinstance(o, Value):
            return Value(self.data + o.data, (self, o), (1.0, 1.0))
        return Value(self.data + o, (self,), (1.0,))

    __radd__ = __add__

    def __sub__(self, o):
        if isinstance(o, Value):
            return Value(self.data - o.data, (self, o), (1.0, -1.0))
        return Value(self.data - o, (self,), (1.0,))

    def __rsub__(self, o):
        return Value(o - self.data, (self,), (-1.0,))

    def __mul__(self, o):
        if isinstance(o, Value):
            return Value(self.data * o.data, (self, o), (o.data, self.data))
        return Value(self.data * o, (self,), (float(o),))

    __rmul__ = __mul__

    def __truediv__(self, o):
        if isinstance(o, Value):
            q = self.data / o.data
            return Value(q, (self, o), (1.0 / o.data, -q / o.data))
        return Value(self.data / o, (self,), (1.0 / o,))

    def __rtruediv__(self, o):
        q = o / self.data
        return Value(q, (self,), (-q / self.data,))

    def __neg__(self):
        return Value(-self.data, (self,), (-1.0,))

    def __pos__(self):
        return self

    def __pow__(self, k):
        assert not isinstance(k, Value)
        k = float(k)
        if k == 0.0:
            return Value(1.0, (self,), (0.0,))
        return Value(self.data ** k, (self,), (k * self.data ** (k - 1.0),))

    def __abs__(self):
        d = self.data
        s = 1.0 if d > 0 else (-1.0 if d < 0 else 0.0)
        return Value(abs(d), (self,), (s,))

    # -- comparisons act on the data (constants for the gradient); no __eq__ so nodes stay hashable by id
    def __lt__(self, o):
        return self.data < (o.data if isinstance(o, Value) else o)

    def __le__(self, o):
        return self.data <= (o.data if isinstance(o, Value) else o)

    def __gt__(self, o):
        return self.data > (o.data if isinstance(o, Value) else o)

    def __ge__(self, o):
        return self.data >= (o.data if isinstance(o, Value) else o)

    def __float__(self):
        return self.data

    def __repr__(self):
        return f"Value({self.data!r})"


def backward(root):
    """Accumulate d root / d node into node.grad for every node of the graph (iterative topological order)."""
    order, seen = [], set()
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for p in node.parents:
            if id(p) not in seen:
                stack.append((p, False))
    for node in order:
        node.grad = 0.0
    root.grad = 1.0
    for node in reversed(order):
        g = node.grad
        if g == 0.0:
            continue
        for p, l in zip(node.parents, node.locals):
            p.grad += g * l


def v_sum(items):
    items = list(items)
    vals = [it for it in items if isinstance(it, Value)]
    if not vals:
        return math.fsum(items)
    total = math.fsum(it.data if isinstance(it, Value) else it for it in items)
    return Value(total, tuple(vals), (1.0,) * len(vals))


def v_exp(x):
    if isinstance(x, Value):
        e = math.exp(x.data)
        return Value(e, (x,), (e,))
    return math.exp(x)


def v_log(x):
    if isinstance(x, Value):
        return Value(math.log(x.data), (x,), (1.0 / x.data,))
    return math.log(x)


def v_log1p(x):
    if isinstance(x, Value):
        return Value(math.log1p(x.data), (x,), (1.0 / (1.0 + x.data),))
    return math.log1p(x)


def v_sqrt(x):
    if isinstance(x, Value):
        r = math.sqrt(x.data)
        return Value(r, (x,), (0.5 / r,))
    return math.sqrt(x)


def v_log_sigmoid(x):
    if isinstance(x, Value):
        d = x.data
        z = math.exp(-abs(d))
        local = (1.0 - z / (1.0 + z)) if d < 0 else z / (1.0 + z)  # torch log_sigmoid_backward (CPU)
        return Value(_log_sigmoid_float(d), (x,), (local,))
    return _log_sigmoid_float(x)


def v_sigmoid(x):
    if isinstance(x, Value):
        y = _sigmoid_float(x.data)
        return Value(y, (x,), ((1.0 - y) * y,))  # torch sigmoid_backward uses the output
    return _sigmoid_float(x)


_f32_float = cf.f32


def v_f32(x):
    if isinstance(x, Value):
        return Value(_f32_float(x.data), (x,), (1.0,))  # cast backward = identity
    return _f32_float(x)


def v_bce_with_logits(x, t):
    """F.binary_cross_entropy_with_logits(x, t, reduction='none') for one element; backward sigmoid(x) - t."""
    d = x.data if isinstance(x, Value) else x
    val = max(d, 0) - d * t + math.log1p(math.exp(-abs(d)))
    if not isinstance(x, Value):
        return val
    return Value(val, (x,), (_sigmoid_float(d) - t,))


def v_minimum(a, b):
    """torch.minimum backward: the smaller operand gets the gradient; a tie gives each operand half of it."""
    av = a.data if isinstance(a, Value) else a
    bv = b.data if isinstance(b, Value) else b
    if av < bv:
        return a
    if bv < av:
        return b
    ps = tuple(v for v in (a, b) if isinstance(v, Value))
    if not ps:
        return a
    return Value(av, ps, (0.5,) * len(ps))


def v_bce_logits_elem(x, t, pw=None):
    """F.binary_cross_entropy_with_logits for one element with torch's fused backward:
    sigmoid(x) - t, or with pos_weight (pw*t + 1 - t)*sigmoid(x) - pw*t."""
    d = x.data if isinstance(x, Value) else x
    val = _bce_logits_elem_float(d, t, pw)
    if not isinstance(x, Value):
        return val
    sg = _sigmoid_float(d)
    local = sg - t if pw is None else (pw * t + 1 - t) * sg - pw * t
    return Value(val, (x,), (local,))


def v_smp_focal_fn(xs, ts, gamma, alpha, reduced_threshold, normalized, eps=1e-6):
    """cf.smp_focal_fn with the BCE-with-logits line replaced by the fused primitive (everything else identical)."""
    losses, fts = [], []
    for xv, tv in zip(xs, ts):
        logpt = v_bce_with_logits(xv, tv)
        pt = v_exp(-logpt)
        if reduced_threshold is None:
            ft = (1.0 - pt) ** gamma
        else:
            ft = ((1.0 - pt) / reduced_threshold) ** gamma
            if pt < reduced_threshold:
                ft = 1.0
        l = ft * logpt
        if alpha is not None:
            l *= alpha * tv + (1 - alpha) * (1 - tv)
        losses.append(l)
        fts.append(ft)
    if normalized:
        nf = max(v_sum(fts), eps)
        losses = [l / nf for l in losses]
    return v_sum(losses) / len(losses)


def v_bd_mean32(ps, ds, sum_order="aten8"):
    """cf.bd_mean32 (BDLoss float32 product and float32 mean) with torch's float32 backward:
    d/dp_i = f32(f32(1/M) * f32(d_i)) (mean backward 1/M in float32, mul backward in float32, casts pass it through)."""
    val = _bd_mean32_float([p.data if isinstance(p, Value) else p for p in ps], ds, sum_order)
    g = _f32_float(1.0 / len(ps))
    par, loc = [], []
    for p, dd in zip(ps, ds):
        if isinstance(p, Value):
            par.append(p)
            loc.append(_f32_float(g * _f32_float(dd)))
    if not par:
        return val
    return Value(val, tuple(par), tuple(loc))


_math_shim = types.SimpleNamespace(exp=v_exp, log=v_log, log1p=v_log1p, sqrt=v_sqrt, fsum=v_sum, pi=math.pi,
                                  inf=math.inf, isinf=math.isinf, isfinite=math.isfinite)

_PATCH = {"math": _math_shim, "fsum": v_sum, "f32": v_f32, "log_sigmoid": v_log_sigmoid, "sigmoid": v_sigmoid,
          "smp_focal_fn": v_smp_focal_fn,
          "t_minimum": v_minimum, "bce_logits_elem": v_bce_logits_elem, "bd_mean32": v_bd_mean32}


class autodiff_mode:
    """Context manager: swap check_formulas' numeric primitives for Value-aware ones."""

    def __enter__(self):
        self.saved = {k: getattr(cf, k) for k in _PATCH}
        for k, v in _PATCH.items():
            setattr(cf, k, v)
        cf.EMULATE_F32_INPUT = True

    def __exit__(self, *exc):
        for k, v in self.saved.items():
            setattr(cf, k, v)
        return False


def value_and_grad(d):
    """(value from the unchanged float code, autodiff value, autodiff gradient list) for a golden-style dict."""
    cf.EMULATE_F32_INPUT = True
    v_float = cf.evaluate(d, d["input"]["values"])
    with autodiff_mode():
        xs = [Value(v) for v in d["input"]["values"]]
        out = cf.evaluate(d, xs)
        if not isinstance(out, Value):  # loss constant in the input (e.g. everything masked)
            return v_float, float(out), [0.0] * len(xs)
        backward(out)
        return v_float, out.data, [x.grad for x in xs]


def is_precision(d):
    return cf.is_precision(d)


# ============================================================================= verification on public files
def verify(verbose=True):
    files = sorted(f for f in glob.glob(os.path.join(GOLDEN, "*.json"))
                   if os.path.basename(f).split("__")[0] in IN_SCOPE)
    worst = {False: 0.0, True: 0.0}
    worst_el = {False: 0.0, True: 0.0}
    worst_run = {False: 0.0, True: 0.0}
    ok_all = True
    for f in files:
        d = json.load(open(f))
        vf, va, g = value_and_grad(d)
        gold = d["grad"]["values"]
        scale = max(abs(v) for v in gold)
        e_max = max(abs(a - b) for a, b in zip(g, gold)) / scale
        # elementwise relative error, with a floor of 1e-6*max|grad| for elements that are ~0
        e_el = max(abs(a - b) / max(abs(b), 1e-6 * scale) for a, b in zip(g, gold))
        e_val = abs(vf - d["value"]) / abs(d["value"])
        e_ad = abs(va - vf) / abs(vf)
        prec = is_precision(d)
        tol = 1e-6 if prec else 1e-12
        # float64 files: the max-normalised error must be <= 1e-12 and the elementwise one <= 1e-10 (a few elements of
        # ~1e-5*max|grad| carry ~1e-16*max|grad| of cancellation round-off, e.g. label-smoothed CE: 7.6e-12 relative).
        # PRECISION files carry float32 rounding of the anchor (absolute, ~1e-7 of the largest element): max-normalised
        # error <= 1e-6.
        ok = e_max <= tol and (prec or e_el <= 1e-10) and e_val <= tol and e_ad <= 1e-14
        e_run = max(abs(a - b) / max(1.0, abs(b)) for a, b in zip(g, gold))  # ConformanceRunner's measure
        worst_run[prec] = max(worst_run[prec], e_run)
        ok_all &= ok
        worst[prec] = max(worst[prec], e_max)
        worst_el[prec] = max(worst_el[prec], e_el)
        if verbose:
            print(f"{'OK ' if ok else 'BAD'} {os.path.basename(f):52s} grad max|d|/max|g|={e_max:.2e} "
                  f"elementwise={e_el:.2e} value={e_val:.2e} ad-vs-float value={e_ad:.1e}")
    print(f"# verify: {len(files)} files, {'ALL OK' if ok_all else 'FAILURES'}; worst grad max|d|/max|g|: "
          f"float64 files {worst[False]:.2e}, PRECISION files {worst[True]:.2e}; worst elementwise (floor 1e-6*max): "
          f"float64 {worst_el[False]:.2e}, PRECISION {worst_el[True]:.2e}; worst |d|/max(1,|g|) (runner measure): "
          f"float64 {worst_run[False]:.2e}, PRECISION {worst_run[True]:.2e}")
    return ok_all


# ============================================================================= data generation
def box_blur(field, dims, passes=2):
    """Separable 3-tap mean filter (edge-clamped) applied `passes` times over a flat row-major field."""
    S = len(field)
    strides = []
    acc = 1
    for dd in reversed(dims):
        strides.insert(0, acc)
        acc *= dd
    f = list(field)
    for _ in range(passes):
        for ax, (n_ax, st) in enumerate(zip(dims, strides)):
            g = [0.0] * S
            for i in range(S):
                k = (i // st) % n_ax
                lo = i - st if k > 0 else i
                hi = i + st if k < n_ax - 1 else i
                g[i] = (f[lo] + f[i] + f[hi]) / 3.0
            f = g
    return f


def blob_labels(rng, dims, C, forbid=()):
    """Blobby class map for one sample: argmax over smoothed random fields (classes in `forbid` never win)."""
    S = cf.prod(dims)
    fields = []
    for c in range(C):
        fields.append(box_blur([rng.gauss(0, 1) for _ in range(S)], dims, passes=2))
    lab = []
    for i in range(S):
        best, bc = None, 0
        for c in range(C):
            if c in forbid:
                continue
            v = fields[c][i] + (0.15 if c == 0 else 0.0)  # a little more background
            if best is None or v > best:
                best, bc = v, c
        lab.append(bc)
    return lab


def blob_binary(rng, dims, frac=0.4):
    S = cf.prod(dims)
    f = box_blur([rng.gauss(0, 1) for _ in range(S)], dims, passes=2)
    thr = sorted(f)[int(round((1 - frac) * S))] if S > 1 else 0.0
    m = [1 if v >= thr else 0 for v in f]
    if sum(m) == 0:
        m[rng.randrange(S)] = 1
    if sum(m) == S and S > 1:
        m[rng.randrange(S)] = 0
    return m


def r4(v):
    return round(v, 4) + 0.0  # 4 decimals like the public files; + 0.0 turns -0.0 into 0.0


EXTREMES = [20.0, -20.0, 40.0, -40.0]


def make_logits(rng, tvals_ncs, N, C, S, kind, extreme):
    """kind: 'multiclass' (+1.5 on the true class), 'binary' (+-1.5), 'multilabel' (+1.5 where y=1).
    extreme: 35% of the elements (chosen at random) become +-20 / +-40, half of them exactly, half jittered by
    U(-0.6, 0.6); for C > 1 the first voxel of sample 0 gets all channels extreme with a tie at the maximum."""
    x = []
    for n in range(N):
        for c in range(C):
            for s in range(S):
                v = rng.gauss(0, 1.5)
                y = tvals_ncs[n][c][s]
                if kind == "binary":
                    v += 1.5 if y else -1.5
                else:
                    v += 1.5 if y else 0.0
                x.append(v)
    if extreme:
        M = len(x)
        for i in rng.sample(range(M), max(1, round(0.35 * M))):
            e = rng.choice(EXTREMES)
            if rng.random() < 0.5:
                e += rng.uniform(-0.6, 0.6)
            x[i] = e
        if C > 1:
            tie = [40.0, 40.0, -40.0, 20.0, -20.0]
            for c in range(C):
                x[c * S] = tie[c % len(tie)]
    return [r4(v) for v in x]


# ----------------------------------------------------------------------------- cases
# (case name, N, spatial dims, channel override or None)
SHAPE_CASES = [
    ("b1_5x7", 1, [5, 7]),
    ("b3_3x4x2", 3, [3, 4, 2]),
]


def combos(families=None):
    """The public (loss, anchor, variant) combos in scope -> {prefix: {'2d': dict, '3d': dict}} (3D-only: '3d' only).
    Default: the families of the first 504 files (everything but the distance-map and blob families)."""
    families = families if families is not None else IN_SCOPE - cf.IN_SCOPE_DIST
    out = {}
    for f in sorted(glob.glob(os.path.join(GOLDEN, "*.json"))):
        b = os.path.basename(f)[:-5]
        parts = b.split("__")
        if parts[0] not in families:
            continue
        out.setdefault("__".join(parts[:-1]), {})[parts[-1]] = json.load(open(f))
    return out


def family_kind(d):
    p = d["params"]
    fmt = p["target_format"]
    if fmt == "indices":
        return "multiclass"
    if fmt == "binary":
        return "binary"
    if p.get("mode") == "multilabel":
        return "multilabel"
    return "onehot"  # strictly one-hot float target of a multiclass map


def c_agnostic(d):
    p = d["params"]
    for k in ("weight", "class_weights", "alpha", "classes"):
        v = p.get(k)
        if isinstance(v, list):
            return False
    for k in ("wce_kwargs", "ce_kwargs"):
        if isinstance((p.get(k) or {}).get("weight"), list):
            return False
    return True


# one representative variant per (loss, anchor) gets a 1-D case (every anchor here handles 1-D except the ones below)
ONE_D = ["ce__slo", "ce__smp__smooth0", "dice__slo__persample_bg", "dice__monai__softmax_onehot",
         "dice__smp__multiclass", "dice__smp__binary", "dice__smp__multilabel", "focal__slo",
         "focal__monai__sigmoid_onehot", "focal__smp__multiclass", "dice_ce__monai", "dice_ce__slo",
         "dice_focal__monai",
         "iou__slo__persample_bg", "iou__monai__jaccard_softmax", "iou__smp__multiclass", "iou__smp__binary_log",
         "tversky__slo__persample_bg", "tversky__monai__softmax_a03_b07", "tversky__monai__sigmoid_batch",
         "tversky__smp__multiclass_a03_b07", "tversky__smp__binary", "focal_tversky__slo",
         "focal_tversky__smp__multiclass_gamma", "gdice__slo__v2", "gdice__monai__square", "gdice_focal__monai",
         "ss__slo__persample_bg", "asym__slo__persample_bg", "log_cosh_dice__formula", "mcc__smp", "explog__slo",
         "topk__slo", "dice_topk__slo", "wce__slo", "bce__smp", "wbce__smp__pos_weight", "soft_bce__smp__smooth0_1",
         "soft_ce__smp__smooth0_1", "lovasz_hinge__smp__binary"]
# No 1-D: SLO LovaszSoftmax asserts a 4-D/5-D input; smp LovaszLoss multiclass reads a 3-D probability tensor as a
# (B,H,W) sigmoid output and then raises ("Sigmoid output possible only with 1 class"); MONAI soft_erode/soft_dilate
# only handle 4-D/5-D tensors (clDice); SLO GDiceLoss / PenaltyGDiceLoss use einsum 'bcxyz' (3-D only).
ONLY_3D = {("SegLossOdyssey", "GDiceLoss"), ("SegLossOdyssey", "PenaltyGDiceLoss")}


def only_3d(d):
    return (d["anchor"].split()[0], cf.anchor_class(d)) in ONLY_3D


def cases_for(prefix, kind, base):
    """List of (case, N, dims, C_override, label_mode, extreme)."""
    if only_3d(base):
        cs = [("b1_3x5x2", 1, [3, 5, 2], None, "normal", False), ("b3_3x4x2", 3, [3, 4, 2], None, "normal", False)]
        absent_dims, extreme_dims = [3, 5, 2], [2, 4, 3]
    else:
        cs = [(name, N, dims, None, "normal", False) for name, N, dims in SHAPE_CASES]
        absent_dims, extreme_dims = [6, 5], [4, 6]
    if kind in ("multiclass", "onehot"):
        cs += [("absentclass", 2, absent_dims, None, "absent_last", False),
               ("bgsample", 2, [2, 3, 4], None, "bg_sample0", False)]
    else:
        cs += [("allbg", 2, [5, 4], None, "all_zero", False),
               ("bgsample", 2, [2, 3, 4], None, "bg_sample0", False),
               ("allfg", 2, [5, 4], None, "all_one", False)]
    cs.append(("extreme", 2, extreme_dims, None, "normal", True))
    if prefix in ONE_D:
        cs.append(("1d", 2, [13], 4, "normal", False))
    return cs


def build_targets(rng, kind, N, C, dims, mode):
    """Returns (ncs 0/1 target [n][c][s], index map [n][s] or None)."""
    S = cf.prod(dims)
    for _attempt in range(200):
        if kind in ("multiclass", "onehot"):
            idx = []
            for n in range(N):
                if mode == "bg_sample0" and n == 0:
                    idx.append([0] * S)
                elif mode == "absent_last":
                    idx.append(blob_labels(rng, dims, C, forbid=(C - 1,)))
                else:
                    idx.append(blob_labels(rng, dims, C))
            present = {v for row in idx for v in row}
            if mode == "absent_last":
                need = set(range(C - 1))
                good = present == need and all(len(set(r)) == C - 1 for r in idx)  # each sample has bg and the other fg
            elif mode == "bg_sample0":
                good = all(len(set(r)) == C for r in idx[1:])
            else:
                good = present == set(range(C))
            if not good:
                continue
            ncs = [[[1 if idx[n][s] == c else 0 for s in range(S)] for c in range(C)] for n in range(N)]
            return ncs, idx
        # binary / multilabel: independent 0/1 maps per channel
        ncs = []
        for n in range(N):
            chans = []
            for c in range(C):
                if mode == "all_zero" or (mode == "bg_sample0" and n == 0):
                    chans.append([0] * S)
                elif mode == "all_one":
                    chans.append([1] * S)
                else:
                    chans.append(blob_binary(rng, dims, frac=rng.uniform(0.25, 0.5)))
            ncs.append(chans)
        return ncs, None
    raise RuntimeError("could not draw labels")


def make_doc(base, prefix, case, N, dims, C_override, mode, extreme, attempt=0):
    p = base["params"]
    C = C_override if (C_override and c_agnostic(base) and base["input"]["shape"][1] > 1) else base["input"]["shape"][1]
    kind = family_kind(base)
    seed = BASE_SEED + zlib.crc32(f"{prefix}__{case}".encode() + (f"#{attempt}".encode() if attempt else b""))
    rng = random.Random(seed)
    ncs, idx = build_targets(rng, kind, N, C, dims, mode)
    S = cf.prod(dims)
    x = make_logits(rng, ncs, N, C, S, "binary" if kind == "binary" else
                    ("multilabel" if kind == "multilabel" else "multiclass"), extreme)
    in_shape = [N, C] + list(dims)
    if kind == "multiclass":
        layout = p.get("target_layout", "N1...")
        t_shape = [N, 1] + list(dims) if layout == "N1..." else [N] + list(dims)
        t_vals = [idx[n][s] for n in range(N) for s in range(S)]
    else:
        t_shape = in_shape[:]
        t_vals = [float(ncs[n][c][s]) for n in range(N) for c in range(C) for s in range(S)]
    d = {"anchor": base["anchor"], "loss": base["loss"], "params": base["params"],
         "input": {"shape": in_shape, "values": x}, "target": {"shape": t_shape, "values": t_vals},
         "value": None, "grad": {"shape": in_shape, "values": None}, "notes": base["notes"]}
    return d


def tie_sensitive(d, g):
    """True if the gradient changes when ties of sort / top-k keys are broken the other way."""
    cf.TIE_REVERSE = True
    try:
        _, _, g2 = value_and_grad(d)
    finally:
        cf.TIE_REVERSE = False
    scale = max(max(abs(v) for v in g), 1e-300)
    return max(abs(a - b) for a, b in zip(g, g2)) > 1e-15 * scale


def generate(outdir, only=None):
    os.makedirs(outdir, exist_ok=True)
    written, skipped, redrawn = [], [], []
    for prefix, scen in sorted(combos().items()):
        if only and not any(prefix.startswith(o) for o in only):
            continue
        any_base = scen.get("2d") or scen.get("3d")
        kind = family_kind(any_base)
        for case, N, dims, C_ov, mode, extreme in cases_for(prefix, kind, any_base):
            # notes end with the public scenario sentence of the base file
            base = scen["3d"] if (len(dims) == 3 or "2d" not in scen) else scen["2d"]
            for attempt in range(20):
                d = make_doc(base, prefix, case, N, dims, C_ov, mode, extreme, attempt)
                vf, va, g = value_and_grad(d)
                finite = math.isfinite(vf) and all(math.isfinite(v) for v in g)
                if not finite or not tie_sensitive(d, g):
                    break
                redrawn.append((prefix, case, attempt))
            else:
                raise RuntimeError(f"{prefix} {case}: gradient depends on tie-breaking in 20 draws")
            if not finite:
                skipped.append((prefix, case, "non-finite value/grad"))
                continue
            assert abs(va - vf) <= 1e-14 * max(1.0, abs(vf)), (prefix, case, va, vf)
            assert len(d["input"]["values"]) <= 600, (prefix, case)
            d["value"] = vf
            d["grad"]["values"] = [v + 0.0 for v in g]
            name = f"{prefix}__{case}.json"
            with open(os.path.join(outdir, name), "w") as fh:
                json.dump(d, fh, separators=(",", ":"))
            written.append(name)
    print(f"# wrote {len(written)} files to {outdir}; skipped {len(skipped)}")
    for s_ in skipped:
        print("  skipped:", s_)
    for r in redrawn:
        print("  redrawn (gradient depended on tie-breaking of sort keys):", r)
    return written



# ============================================================================= distance-map and blob families
# (case, N, spatial dims, C or None (= the public C), target mode, logit mode)
#   target modes (indices): normal, bg_sample0, fg_sample0 (sample 0 all class 1), absent_last (C=3: class 2 absent from
#     the batch, each sample has classes 0 and 1), single_voxel (one class-1 voxel per sample; sample 0: the first voxel)
#   target modes (binary):  normal, all_zero, all_one, bg_sample0, single_voxel
#   target modes (blob):    normal, single_voxels, noinst_sample0, noinst, many, corner2d, corner3d, all_one
#   logit modes: normal, extreme (as make_logits), extreme_tie (extreme + a voxel exactly at the 0.5 threshold),
#     predfgbg (sample 0 predicted all foreground, sample 1 all background)
HD_BINARY_CASES = [
    ("b1_5x7", 1, [5, 7], None, "normal", "normal"),
    ("b3_3x4x2", 3, [3, 4, 2], None, "normal", "normal"),
    ("allbg", 2, [5, 4], None, "all_zero", "normal"),
    ("allfg", 2, [5, 4], None, "all_one", "normal"),
    ("bgsample", 2, [2, 3, 4], None, "bg_sample0", "normal"),
    ("singlevoxel", 2, [4, 5], None, "single_voxel", "normal"),
    ("size1_1x4x5", 2, [1, 4, 5], None, "normal", "normal"),
    ("predfgbg", 2, [4, 5], None, "normal", "predfgbg"),
    ("extreme", 2, [4, 6], None, "normal", "extreme_tie"),
]
HD_SOFTMAX_CASES = [
    ("b1_5x7", 1, [5, 7], None, "normal", "normal"),
    ("b3_3x4x2", 3, [3, 4, 2], None, "normal", "normal"),
    ("bgsample", 2, [2, 3, 4], None, "bg_sample0", "normal"),
    ("fgsample", 2, [2, 3, 4], None, "fg_sample0", "normal"),
    ("absentclass", 2, [6, 5], 3, "absent_last", "normal"),
    ("singlevoxel", 2, [4, 5], None, "single_voxel", "normal"),
    ("size1_1x4x5", 2, [1, 4, 5], None, "normal", "normal"),
    ("predfgbg", 2, [4, 5], None, "normal", "predfgbg"),
    ("extreme", 2, [4, 6], None, "normal", "extreme"),  # make_logits' (40, 40) tie is exactly p = 0.5
]
BOUNDARY_CASES = [  # BDLoss einsum 'bcxyz': 3-D only
    ("b1_3x5x2", 1, [3, 5, 2], None, "normal", "normal"),
    ("b3_3x4x2", 3, [3, 4, 2], None, "normal", "normal"),
    ("bgsample", 2, [2, 3, 4], None, "bg_sample0", "normal"),
    ("fgsample", 2, [2, 3, 4], None, "fg_sample0", "normal"),
    ("absentclass", 2, [3, 5, 2], 3, "absent_last", "normal"),
    ("singlevoxel", 2, [3, 4, 3], None, "single_voxel", "normal"),
    ("size1_1x4x5", 2, [1, 4, 5], None, "normal", "normal"),
    ("extreme", 2, [2, 4, 3], None, "normal", "extreme"),
]
DIST_DICE_CASES = [  # 3-D only; every sample needs foreground and background voxels at distance > 1 from the other side
    ("b1_4x5x3", 1, [4, 5, 3], None, "normal", "normal"),
    ("b3_3x4x4", 3, [3, 4, 4], None, "normal", "normal"),
    ("size1_1x5x6", 2, [1, 5, 6], None, "normal", "normal"),
    ("extreme", 2, [3, 5, 4], None, "normal", "extreme"),
]
DPCE_CASES = [
    ("b1_5x7", 1, [5, 7], None, "normal", "normal"),
    ("b3_3x4x2", 3, [3, 4, 2], None, "normal", "normal"),
    ("bgsample", 2, [2, 3, 4], None, "bg_sample0", "normal"),
    ("fgsample", 2, [2, 3, 4], None, "fg_sample0", "normal"),
    ("singlevoxel", 2, [4, 5], None, "single_voxel", "normal"),
    ("extreme", 2, [4, 6], None, "normal", "extreme"),
    ("1d", 2, [13], None, "normal", "normal"),
]
BLOB_CASES = [
    ("b1_5x7", 1, [5, 7], None, "normal", "normal"),
    ("b3_3x4x2", 3, [3, 4, 2], None, "normal", "normal"),
    ("singlevoxel", 2, [5, 6], None, "single_voxels", "normal"),
    ("noinstsample", 2, [2, 3, 4], None, "noinst_sample0", "normal"),
    ("noinst", 2, [5, 4], None, "noinst", "normal"),
    ("many", 2, [6, 7], None, "many", "normal"),
    ("corner", 2, [5, 5], None, "corner2d", "normal"),
    ("corner3d", 2, [3, 4, 4], None, "corner3d", "normal"),
    ("allfg", 2, [4, 5], None, "all_one", "normal"),
    ("extreme", 2, [4, 6], None, "normal", "extreme"),
]
ONE_D_DIST = {"blob_dice__blob__readme_logit_mask"}  # one representative blob variant gets a 1-D case


def dist_cases(prefix):
    loss = prefix.split("__")[0]
    if loss == "hd_dt":
        return HD_SOFTMAX_CASES if prefix.endswith("softmax_onehot") else HD_BINARY_CASES
    if loss in ("boundary", "dice_boundary"):
        return BOUNDARY_CASES
    if loss == "dist_dice":
        return DIST_DICE_CASES
    if loss == "dpce":
        return DPCE_CASES
    if loss == "blob_dice":
        cs = list(BLOB_CASES)
        if prefix in ONE_D_DIST:
            cs.append(("1d", 2, [13], None, "normal", "normal"))
        return cs
    raise KeyError(prefix)


# What the references return NaN for (or reject), so these cases are NOT written (see tests/golden-extra/README.md).
DIST_SKIPPED = [
    ("dist_dice__slo", "bgsample / allbg / absentclass (a sample without foreground)",
     "compute_edts_forPenalizedLoss divides by max(pos_edt) = 0: NaN map, NaN loss"),
    ("dist_dice__slo", "fgsample / allfg (a sample without background)",
     "divides by max(neg_edt) = 0: NaN"),
    ("dist_dice__slo", "singlevoxel, or any sample whose foreground (or background) voxels are all at distance 1 "
     "from the other side (thin structures)", "max(edt) - edt is 0 on the whole side, 0/0 = NaN"),
    ("dist_dice__slo, boundary__slo, dice_boundary__slo", "2-D and 1-D inputs",
     "torch.sum(..., (1,2,3)) / einsum 'bcxyz' reject them"),
    ("hd_dt__slo, hd_dt__monai", "1-D inputs", "the anchors assert a 4-D or 5-D input"),
]


def grid_neighbours(i, dims, rank):
    co = cf.grid_coords(dims)
    c = co[i]
    out = []
    for j, q in enumerate(co):
        dd = [abs(a - b) for a, b in zip(c, q)]
        if j != i and max(dd) <= 1 and sum(dd) <= rank:
            out.append(j)
    return out


def blob_instances_mask(rng, dims, mode, n):
    """0/1 mask of one blob sample for the blob target modes."""
    S = cf.prod(dims)
    nd = len(dims)
    if mode == "noinst" or (mode == "noinst_sample0" and n == 0):
        return [0] * S
    if mode == "all_one":
        return [1] * S
    if mode == "single_voxels":
        # isolated voxels (no neighbour of any kind, so single voxels under every connectivity); sample 1 adds a blob
        m = [0] * S
        if n == 1:
            blob = blob_binary(rng, dims, frac=0.2)
            lab = cf.label_components(blob, dims)
            big = max(range(1, max(lab) + 1), key=lambda k: lab.count(k))
            m = [1 if v == big else 0 for v in lab]
        want = 4 if n == 0 else 2
        cand = list(range(S))
        rng.shuffle(cand)
        if n == 0:
            cand.remove(0)
            cand.insert(0, 0)  # a corner voxel
        for i in cand:
            if want == 0:
                break
            if m[i] or any(m[j] for j in grid_neighbours(i, dims, nd)):
                continue
            m[i] = 1
            want -= 1
        return m
    if mode == "many":
        for _ in range(500):
            m = [1 if rng.random() < 0.3 else 0 for _ in range(S)]
            if max(cf.label_components(m, dims)) >= 8:
                return m
        raise RuntimeError("many")
    if mode == "corner2d":
        H, W = dims
        m = [0] * S
        if n == 0:  # a diagonal chain of single voxels and a checkerboard patch: all touch only at corners
            for k in range(min(H, W)):
                m[k * W + k] = 1
            for r in range(3):
                for c in range(W - 3, W):
                    if (r + c) % 2 == 0 and r != c:
                        m[r * W + c] = 1
        else:  # two 2x2 blocks touching at one corner, plus a separate bar
            for r, c in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (H - 1, 0), (H - 1, 1)]:
                m[r * W + c] = 1
        return m
    if mode == "corner3d":
        m = [0] * S
        D, H, W = dims

        def at(a, b, c):
            return (a * H + b) * W + c
        if n == 0:  # a vertex-touching diagonal (26-connected only) and an edge-touching pair (18-connected)
            pts = [(0, 0, 0), (1, 1, 1), (2, 2, 2), (0, 3, 3), (1, 3, 2)]
        else:  # a face-connected L, a voxel touching it at edges and a vertex, and a separate face-connected bar
            pts = [(0, 0, 0), (0, 0, 1), (0, 1, 0), (1, 0, 0), (1, 1, 1), (2, 3, 3), (2, 3, 2), (2, 2, 3)]
        for a, b, c in pts:
            m[at(a, b, c)] = 1
        return m
    # normal
    return blob_binary(rng, dims, frac=rng.uniform(0.25, 0.5))


def dist_targets(rng, kind, N, C, dims, mode, valid):
    """Index map [n][s] (indices) or 0/1 masks [n][s] (binary/blob) for the distance-map and blob modes."""
    S = cf.prod(dims)
    for _attempt in range(2000):
        if kind == "blob":
            rows = [blob_instances_mask(rng, dims, mode, n) for n in range(N)]
            if mode == "normal" and sum(max(cf.label_components(r, dims)) for r in rows) < N + 1:
                continue  # at least one sample with two instances
        elif kind == "binary":
            rows = []
            for n in range(N):
                if mode == "all_zero" or (mode == "bg_sample0" and n == 0):
                    rows.append([0] * S)
                elif mode == "all_one":
                    rows.append([1] * S)
                elif mode == "single_voxel":
                    r = [0] * S
                    r[0 if n == 0 else rng.randrange(S)] = 1
                    rows.append(r)
                else:
                    rows.append(blob_binary(rng, dims, frac=rng.uniform(0.25, 0.5)))
        else:
            rows = []
            for n in range(N):
                if mode == "bg_sample0" and n == 0:
                    rows.append([0] * S)
                elif mode == "fg_sample0" and n == 0:
                    rows.append([1] * S)
                elif mode == "single_voxel":
                    r = [0] * S
                    r[0 if n == 0 else rng.randrange(S)] = 1
                    rows.append(r)
                elif mode == "absent_last":
                    rows.append(blob_labels(rng, dims, C, forbid=(C - 1,)))
                else:
                    rows.append(blob_labels(rng, dims, C))
            present = {v for r in rows for v in r}
            if mode == "absent_last":
                if not (present == set(range(C - 1)) and all(len(set(r)) == C - 1 for r in rows)):
                    continue
            elif mode in ("bg_sample0", "fg_sample0"):
                if not all(len(set(r)) == C for r in rows[1:]):
                    continue
            elif mode == "normal" and not all(len(set(r)) == C for r in rows):
                continue  # every sample has every class
        if valid(rows):
            return rows
    raise RuntimeError(f"could not draw {mode} targets")


def dist_dice_valid(dims):
    def ok(rows):
        return all(cf.penalized_map([1 if v > 0 else 0 for v in r], dims) is not None for r in rows)
    return ok


def apply_logit_mode(x, rows_ncs, N, C, S, mode, act):
    """predfgbg / extreme_tie adjustments (in place; values stay 4-decimal)."""
    if mode == "predfgbg":
        for n, want_fg in ((0, True), (1, False)):
            for s in range(S):
                if act == "sigmoid":
                    i = n * S + s
                    v = abs(x[i]) if x[i] != 0 else 0.3
                    x[i] = v if want_fg else -v
                else:  # channel 1 strictly above (fg) / below (bg) channel 0
                    i0, i1 = (n * C + 0) * S + s, (n * C + 1) * S + s
                    a, b = x[i0], x[i1]
                    if a == b:
                        b = r4(b + 0.5)
                    lo, hi = min(a, b), max(a, b)
                    x[i0], x[i1] = (lo, hi) if want_fg else (hi, lo)
    elif mode == "extreme_tie":
        assert act == "sigmoid" and C == 1
        x[0] = 0.0  # sigmoid(0) = 0.5 exactly: NOT > 0.5, so background in the prediction's distance field


def make_dist_doc(base, prefix, case, N, dims, C_ov, mode, lmode, attempt=0):
    p = base["params"]
    loss = base["loss"]
    C = C_ov or base["input"]["shape"][1]
    fmt = p["target_format"]
    kind = "blob" if loss == "blob_dice" else ("indices" if fmt == "indices" else "binary")
    seed = BASE_SEED + zlib.crc32(f"{prefix}__{case}".encode() + (f"#{attempt}".encode() if attempt else b""))
    rng = random.Random(seed)
    valid = dist_dice_valid(dims) if loss == "dist_dice" else (lambda rows: True)
    rows = dist_targets(rng, kind, N, C, dims, mode, valid)
    S = cf.prod(dims)
    if kind == "indices":
        ncs = [[[1 if rows[n][s] == c else 0 for s in range(S)] for c in range(C)] for n in range(N)]
    else:
        ncs = [[[1 if rows[n][s] else 0 for s in range(S)]] for n in range(N)]
    x = make_logits(rng, ncs, N, C, S, "binary" if kind != "indices" else "multiclass",
                    lmode in ("extreme", "extreme_tie"))
    apply_logit_mode(x, ncs, N, C, S, lmode, p.get("activation"))
    in_shape = [N, C] + list(dims)
    if kind == "indices":
        t_shape = [N, 1] + list(dims) if p.get("target_layout", "N1...") == "N1..." else [N] + list(dims)
        t_vals = [rows[n][s] for n in range(N) for s in range(S)]
    else:
        t_shape = in_shape[:]
        t_vals = [float(rows[n][s]) for n in range(N) for s in range(S)]
    d = {"anchor": base["anchor"], "loss": loss, "params": base["params"],
         "input": {"shape": in_shape, "values": x}, "target": {"shape": t_shape, "values": t_vals}}
    if "dist" in base:
        d["dist"] = {"shape": in_shape[:], "values": None}
        d["dist"]["values"] = [v + 0.0 for v in cf.kervadec_dist_doc(d)]
    if "instances" in base:
        inst = [v for n in range(N) for v in cf.label_components(rows[n], dims)]
        d["instances"] = {"shape": [N, 1] + list(dims), "values": inst}
    d["value"] = None
    d["grad"] = {"shape": in_shape, "values": None}
    d["notes"] = base["notes"]
    assert list(d.keys()) == list(base.keys()), (list(d.keys()), list(base.keys()))
    return d


def generate_dist(outdir, only=None):
    """Edge cases of the distance-map and blob families (cases above)."""
    os.makedirs(outdir, exist_ok=True)
    written, skipped = [], []
    for prefix, scen in sorted(combos(cf.IN_SCOPE_DIST).items()):
        if only and not any(prefix.startswith(o) for o in only):
            continue
        for case, N, dims, C_ov, mode, lmode in dist_cases(prefix):
            base = scen["3d"] if (len(dims) == 3 or "2d" not in scen) else scen["2d"]
            d = make_dist_doc(base, prefix, case, N, dims, C_ov, mode, lmode)
            vf, va, g = value_and_grad(d)
            if not (math.isfinite(vf) and all(math.isfinite(v) for v in g)):
                skipped.append((prefix, case, "non-finite value/grad"))
                continue
            assert abs(va - vf) <= 1e-14 * max(1.0, abs(vf)), (prefix, case, va, vf)
            assert len(d["input"]["values"]) <= 600, (prefix, case)
            d["value"] = vf
            d["grad"]["values"] = [v + 0.0 for v in g]
            name = f"{prefix}__{case}.json"
            with open(os.path.join(outdir, name), "w") as fh:
                json.dump(d, fh, separators=(",", ":"))
            written.append(name)
    print(f"# distance-map and blob families: wrote {len(written)} files to {outdir}; skipped {len(skipped)}")
    for s_ in skipped:
        print("  skipped:", s_)
    print("# not generated (the reference is NaN or rejects the input):")
    for who, what, why in DIST_SKIPPED:
        print(f"  {who}: {what}: {why}")
    return written


if __name__ == "__main__":
    cmd = sys.argv[1] if len(sys.argv) > 1 else "generate"
    if cmd == "verify":
        sys.exit(0 if verify() else 1)
    if cmd == "generate":
        if not verify(verbose=False):
            sys.exit("autodiff does not reproduce the public gradients; nothing written")
        out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden-extra")
        generate(out, only=sys.argv[3:] or None)
        generate_dist(out, only=sys.argv[3:] or None)
