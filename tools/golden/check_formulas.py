#!/usr/bin/env python3
"""Pure-Python (lists + math, float64) re-implementation of the golden-vector losses for the anchors
SegLossOdyssey (slo), MONAI, smp, blob_loss and the log-cosh Dice formula: every public family, including the
distance-map (boundary, hd_dt, dpce, dist_dice, dice_boundary) and blob (blob_dice) families, which use an exact
brute-force Euclidean distance transform with scipy 1.10.1 semantics (`edt`) and the files' `dist` / `instances` fields.

Every family function reads the file's `params` generically; nothing is keyed on a file name.
Usage:  python3 check_formulas.py [golden_dir]
Prints one PASS/FAIL line per in-scope file (value rel. error) and then a central-difference
gradient check (h=1e-6) on a few input elements for a selection of files.
"""
import glob
import json
import math
import os
import struct
import sys

GOLDEN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "golden")
IN_SCOPE_BASE = {"dice", "ce", "focal", "dice_ce", "dice_focal"}
IN_SCOPE_MORE = {"iou", "tversky", "focal_tversky", "gdice", "pgdice", "gdice_focal", "ss", "asym", "log_cosh_dice", "mcc",
                 "explog", "topk", "dice_topk", "wce", "bce", "wbce", "soft_bce", "soft_ce", "lovasz_softmax",
                 "lovasz_hinge", "cldice"}
IN_SCOPE_DIST = {"boundary", "hd_dt", "dpce", "dist_dice", "dice_boundary", "blob_dice"}  # distance-map and blob
IN_SCOPE = IN_SCOPE_BASE | IN_SCOPE_MORE | IN_SCOPE_DIST


# ----------------------------------------------------------------------------- helpers
def f32(v):
    """Round a Python float to the nearest IEEE float32 (what torch.float32 would store)."""
    return struct.unpack("f", struct.pack("f", v))[0]


def f32_sum(vals):
    """torch float32 .sum() of a short vector (sequential float32 accumulation)."""
    acc = 0.0
    for v in vals:
        acc = f32(acc + v)
    return acc


# The anchors that compute whole losses in float32 (MONAI FocalLoss) are emulated by rounding the logits to
# float32 and then computing in float64.  That rounding is switched OFF for the finite-difference gradient check
# (a 1e-6 step is only ~8 float32 ulps and would be quantised away).
EMULATE_F32_INPUT = True


def fsum(it):
    return math.fsum(it)


def prod(xs):
    r = 1
    for v in xs:
        r *= v
    return r


def log_sigmoid(x):
    # torch F.logsigmoid: min(x,0) - log1p(exp(-|x|))
    return min(x, 0.0) - math.log1p(math.exp(-abs(x)))


def sigmoid(x):
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def log_softmax_c(x):
    """x[n][c][s] -> log-softmax over c."""
    N, C, S = len(x), len(x[0]), len(x[0][0])
    out = [[[0.0] * S for _ in range(C)] for _ in range(N)]
    for n in range(N):
        for s in range(S):
            col = [x[n][c][s] for c in range(C)]
            m = max(col)
            lse = m + math.log(fsum(math.exp(v - m) for v in col))
            for c in range(C):
                out[n][c][s] = col[c] - lse
    return out


def softmax_c(x):
    """x[n][c][s] -> softmax over c (max-subtracted, as softmax_helper / torch.softmax)."""
    N, C, S = len(x), len(x[0]), len(x[0][0])
    out = [[[0.0] * S for _ in range(C)] for _ in range(N)]
    for n in range(N):
        for s in range(S):
            col = [x[n][c][s] for c in range(C)]
            m = max(col)
            e = [math.exp(v - m) for v in col]
            z = fsum(e)
            for c in range(C):
                out[n][c][s] = e[c] / z
    return out


def map3(f, x):
    return [[[f(v) for v in row] for row in ch] for ch in x]


def to_ncs(flat, shape):
    N, C = shape[0], shape[1]
    S = prod(shape[2:])
    return [[flat[(n * C + c) * S:(n * C + c + 1) * S] for c in range(C)] for n in range(N)]


class Target:
    """Normalised view of the golden target.
    idx[n][s]  : class ids (indices format) or None
    dense[n][c][s] : float target with channel axis (onehot / binary) or None
    """

    def __init__(self, tgt, params, in_shape):
        fmt = params.get("target_format")
        N = in_shape[0]
        S = prod(in_shape[2:])
        vals = tgt["values"]
        self.fmt = fmt
        self.idx = None
        self.dense = None
        if fmt == "indices":
            self.idx = [[int(vals[n * S + s]) for s in range(S)] for n in range(N)]
            self.layout = params.get("target_layout", "N1...")
        else:  # onehot or binary: float (N, C_t, ...)
            Ct = tgt["shape"][1]
            self.dense = [[[float(vals[(n * Ct + c) * S + s]) for s in range(S)] for c in range(Ct)]
                          for n in range(N)]

    def onehot(self, C):
        if self.dense is not None:
            return self.dense
        return [[[1.0 if self.idx[n][s] == c else 0.0 for s in range(len(self.idx[n]))] for c in range(C)]
                for n in range(len(self.idx))]


def slice_channels(t, start):
    return [ch[start:] for ch in t]


# ----------------------------------------------------------------------------- torch CE
def torch_cross_entropy(logits, idx, weight=None, ignore_index=-100, label_smoothing=0.0, smooth_den="weights"):
    """nn.CrossEntropyLoss(weight, ignore_index, reduction='mean', label_smoothing) with class-index target.
    mean = sum_i w[y_i]*nll_i / sum_i w[y_i]; smoothing term uses the same denominator (torch semantics)."""
    lp = log_softmax_c(logits)
    N, C, S = len(lp), len(lp[0]), len(lp[0][0])
    w = weight if weight is not None else [1.0] * C
    nll_num, den, smooth_num = [], [], []
    for n in range(N):
        for s in range(S):
            y = idx[n][s]
            if y == ignore_index:
                continue
            nll_num.append(-w[y] * lp[n][y][s])
            den.append(w[y])
            if label_smoothing:
                smooth_num.append(-fsum(w[c] * lp[n][c][s] for c in range(C)))
    D = fsum(den)
    nll = fsum(nll_num) / D
    if not label_smoothing:
        return nll
    Ds = D if smooth_den == "weights" else len(den)  # alternative (NOT torch): divide by voxel count
    return (1.0 - label_smoothing) * nll + (label_smoothing / C) * (fsum(smooth_num) / Ds)


def torch_cross_entropy_probs(logits, t, weight=None, label_smoothing=0.0):
    """nn.CrossEntropyLoss with class-probability target (same shape as input): mean over N*S, weight per class."""
    lp = log_softmax_c(logits)
    N, C, S = len(lp), len(lp[0]), len(lp[0][0])
    w = weight if weight is not None else [1.0] * C
    terms = []
    for n in range(N):
        for s in range(S):
            for c in range(C):
                tc = t[n][c][s] * (1 - label_smoothing) + label_smoothing / C
                terms.append(-w[c] * tc * lp[n][c][s])
    return fsum(terms) / (N * S)


def torch_bce_with_logits(x, t, pos_weight=None):
    terms = []
    for n in range(len(x)):
        for c in range(len(x[n])):
            pw = 1.0 if pos_weight is None else pos_weight[c if len(pos_weight) > 1 else 0]
            for s in range(len(x[n][c])):
                xv, tv = x[n][c][s], t[n][c][s]
                terms.append(-(pw * tv * log_sigmoid(xv) + (1 - tv) * log_sigmoid(-xv)))
    return fsum(terms) / len(terms)


# ============================================================================= SegLossOdyssey
def slo_probs(x, nonlin):
    return softmax_c(x) if nonlin == "softmax_helper" else x


def slo_soft_dice(x, tgt, batch_dice, do_bg, smooth, square, nonlin="softmax_helper"):
    """nnU-Net v1 SoftDiceLoss: returns -mean(dc)."""
    p = slo_probs(x, nonlin)
    N, C, S = len(p), len(p[0]), len(p[0][0])
    y = tgt.onehot(C)  # target with input shape is used as-is
    sq = (lambda v: v * v) if square else (lambda v: v)
    tp = [[fsum(sq(p[n][c][s] * y[n][c][s]) for s in range(S)) for c in range(C)] for n in range(N)]
    fp = [[fsum(sq(p[n][c][s] * (1 - y[n][c][s])) for s in range(S)) for c in range(C)] for n in range(N)]
    fn = [[fsum(sq((1 - p[n][c][s]) * y[n][c][s]) for s in range(S)) for c in range(C)] for n in range(N)]
    if batch_dice:
        tp = [[fsum(tp[n][c] for n in range(N)) for c in range(C)]]
        fp = [[fsum(fp[n][c] for n in range(N)) for c in range(C)]]
        fn = [[fsum(fn[n][c] for n in range(N)) for c in range(C)]]
    dc = [[(2 * tp[b][c] + smooth) / (2 * tp[b][c] + fp[b][c] + fn[b][c] + smooth) for c in range(C)]
          for b in range(len(tp))]
    c0 = 0 if do_bg else 1
    vals = [dc[b][c] for b in range(len(dc)) for c in range(c0, C)]
    return -fsum(vals) / len(vals)


def slo_ce(x, tgt, params):
    w = params.get("weight")
    return torch_cross_entropy(x, tgt.idx, weight=w, ignore_index=params.get("ignore_index", -100))


def slo_dice(x, tgt, params):
    return slo_soft_dice(x, tgt, params["batch_dice"], params["do_bg"], params["smooth"], params["square"],
                         params.get("apply_nonlin"))


def slo_focal(x, tgt, params, f32_onehot=True):
    """Hsuxu FocalLoss port. float32 spots: one_hot_key (torch.FloatTensor) and alpha tensor."""
    p = slo_probs(x, params.get("apply_nonlin"))
    N, C, S = len(p), len(p[0]), len(p[0][0])
    smooth = params.get("smooth")
    gamma = params.get("gamma", 2)
    a = params.get("alpha")
    if a is None:
        alpha = [1.0] * C
    elif isinstance(a, list):
        af = [f32(v) for v in a]
        tot = f32(fsum(af))  # float32 sum (exact for these inputs)
        alpha = [f32(v / tot) for v in af]
    elif isinstance(a, float):
        alpha = [f32(1.0 * f32(1 - a))] * C  # torch.ones(C,1)*(1-alpha) in float32
        alpha[params.get("balance_index", 0)] = f32(a)
    else:
        raise TypeError(a)
    if smooth:
        lo, hi = (f32(smooth / (C - 1)), f32(1.0 - smooth)) if f32_onehot else (smooth / (C - 1), 1.0 - smooth)
    else:
        lo, hi = 0.0, 1.0
    terms = []
    for n in range(N):
        for s in range(S):
            y = tgt.idx[n][s]
            oh = [min(max(1.0 if c == y else 0.0, lo), hi) for c in range(C)]
            pt = fsum(oh[c] * p[n][c][s] for c in range(C)) + (smooth or 0.0)
            terms.append(-1 * alpha[y] * (1 - pt) ** gamma * math.log(pt))
    if params.get("size_average", True):
        return fsum(terms) / len(terms)
    return fsum(terms)


def slo_dice_ce(x, tgt, params):
    k = params["soft_dice_kwargs"]
    dc = slo_soft_dice(x, tgt, k.get("batch_dice", False), k.get("do_bg", True), k.get("smooth", 1.0),
                       k.get("square", False), params.get("dice_apply_nonlin", "softmax_helper"))
    ck = params.get("ce_kwargs") or {}
    ce = torch_cross_entropy(x, tgt.idx, weight=ck.get("weight"), ignore_index=ck.get("ignore_index", -100))
    assert params.get("aggregate", "sum") == "sum"
    return ce + dc


# ============================================================================= MONAI
def monai_weight(w, f32_weights):
    if w is None:
        return None
    if not isinstance(w, list):
        w = [w]
    return [f32(v) for v in w] if f32_weights else [float(v) for v in w]


def monai_dice(x, tgt, params, onehot_done=False, f32_weights=False, f32_target_norm=True):
    """monai.losses.DiceLoss (reduction mean)."""
    N, C = len(x), len(x[0])
    if params.get("sigmoid"):
        p = map3(sigmoid, x)
    elif params.get("softmax") and C > 1:
        p = softmax_c(x)
    else:
        p = x
    if tgt.dense is not None and (onehot_done or not params.get("to_onehot_y") or C == 1):
        t = tgt.dense
        target_f32 = onehot_done  # one_hot() output is float32; a float64 target passed in stays float64
    else:
        t = tgt.onehot(C)
        target_f32 = True  # monai.networks.one_hot(..., dtype=torch.float) -> float32
    if not params.get("include_background", True) and C > 1:
        p, t = slice_channels(p, 1), slice_channels(t, 1)
    Cp, S = len(p[0]), len(p[0][0])
    nr, dr = float(params.get("smooth_nr", 1e-5)), float(params.get("smooth_dr", 1e-5))
    squared, jaccard, batch = params.get("squared_pred", False), params.get("jaccard", False), params.get("batch", False)
    soft_label = params.get("soft_label", False)

    def stats(pl, tl):
        if not squared and not soft_label:
            tp = fsum(a * b for a, b in zip(pl, tl))
            return tp, fsum(pl) - tp, fsum(tl) - tp
        ordv = 2 if squared else 1
        po = fsum(abs(a) ** ordv for a in pl)
        go = fsum(abs(b) ** ordv for b in tl)
        if ordv == 2 and target_f32 and f32_target_norm:
            # LA.vector_norm(target, ord=2) runs on the float32 one-hot target: sqrt rounded to float32,
            # then torch.pow(.,2) in float32  ->  G2 is NOT exactly the integer count.
            go = f32(f32(math.sqrt(go)) ** 2)
        df = fsum(abs(a - b) ** ordv for a, b in zip(pl, tl))
        tp = (po + go - df) / 2
        return tp, po - tp, go - tp

    groups = []
    if batch:
        for c in range(Cp):
            groups.append((c, [v for n in range(N) for v in p[n][c]], [v for n in range(N) for v in t[n][c]]))
    else:
        for n in range(N):
            for c in range(Cp):
                groups.append((c, p[n][c], t[n][c]))
    w = monai_weight(params.get("weight"), f32_weights)
    fs = []
    for c, pl, tl in groups:
        tp, fp, fn = stats(pl, tl)
        if not jaccard:
            fp *= 0.5
            fn *= 0.5
        f = 1 - (2 * tp + nr) / (2 * (tp + fp + fn) + dr)
        if w is not None and Cp != 1:
            f = f * (w[c] if len(w) > 1 else w[0])
        fs.append(f)
    return fsum(fs) / len(fs)


def monai_focal(x, tgt, params, onehot_done=False, float32=True):
    """monai.losses.FocalLoss (reduction mean). The anchor runs in float32 (input.float())."""
    N, C = len(x), len(x[0])
    if tgt.dense is not None and (onehot_done or not params.get("to_onehot_y") or C == 1):
        t = tgt.dense
    else:
        t = tgt.onehot(C)
    if not params.get("include_background", True) and C > 1:
        x, t = slice_channels(x, 1), slice_channels(t, 1)
    if float32 and EMULATE_F32_INPUT:
        x = map3(f32, x)
    Cp, S = len(x[0]), len(x[0][0])
    gamma = params.get("gamma", 2.0)
    alpha = params.get("alpha")
    terms = []
    if params.get("use_softmax", False):
        if not params.get("include_background", True) and alpha is not None:
            alpha = None  # anchor drops alpha (with a warning)
        ls = log_softmax_c(x)  # softmax over the REMAINING channels
        for n in range(N):
            for c in range(Cp):
                af = 1.0 if alpha is None else ((1 - alpha) if c == 0 else alpha)
                for s in range(S):
                    l = ls[n][c][s]
                    terms.append((n, c, af * (-(1 - math.exp(l)) ** gamma * l * t[n][c][s])))
    else:
        for n in range(N):
            for c in range(Cp):
                for s in range(S):
                    xv, tv = x[n][c][s], t[n][c][s]
                    bce = xv - xv * tv - log_sigmoid(xv)
                    inv = log_sigmoid(-xv * (tv * 2 - 1))
                    l = math.exp(inv * gamma) * bce
                    if alpha is not None:
                        l *= tv * alpha + (1 - tv) * (1 - alpha)
                    terms.append((n, c, l))
    w = params.get("weight")
    if w is not None and Cp != 1:
        w = [f32(v) for v in (w if isinstance(w, list) else [w] * Cp)]
        terms = [(n, c, l * w[c]) for n, c, l in terms]
    return fsum(l for _, _, l in terms) / len(terms)


def monai_dice_ce(x, tgt, params, f32_weights=False, smooth_den="weights"):
    C = len(x[0])
    w = params.get("weight")
    dice_params = dict(params)
    if w is not None and not params.get("include_background", True):
        dice_params["weight"] = w[1:]
    dice = monai_dice(x, tgt, dice_params, f32_weights=f32_weights)
    wce = None if w is None else ([f32(v) for v in w] if f32_weights else [float(v) for v in w])
    if C != 1:
        if tgt.idx is not None:
            ce = torch_cross_entropy(x, tgt.idx, weight=wce, ignore_index=-100,
                                     label_smoothing=params.get("label_smoothing", 0.0), smooth_den=smooth_den)
        else:
            ce = torch_cross_entropy_probs(x, tgt.dense, weight=wce,
                                           label_smoothing=params.get("label_smoothing", 0.0))
    else:
        ce = torch_bce_with_logits(x, tgt.dense, pos_weight=wce)
    return params.get("lambda_dice", 1.0) * dice + params.get("lambda_ce", 1.0) * ce


def monai_dice_focal(x, tgt, params, focal_softmax=False):
    C = len(x[0])
    t = tgt
    if params.get("to_onehot_y") and C > 1 and tgt.idx is not None:
        t = Target.__new__(Target)
        t.idx, t.dense, t.fmt = None, tgt.onehot(C), "onehot"
    dp = dict(params)
    dp["to_onehot_y"] = False
    dice = monai_dice(x, t, dp, onehot_done=True)
    fp = {"include_background": params.get("include_background", True), "to_onehot_y": False,
          "gamma": params.get("gamma", 2.0), "weight": params.get("weight"), "alpha": params.get("alpha"),
          "use_softmax": focal_softmax}  # DiceFocalLoss never passes use_softmax -> sigmoid focal
    focal = monai_focal(x, t, fp, onehot_done=True)
    return params.get("lambda_dice", 1.0) * dice + params.get("lambda_focal", 1.0) * focal


# ============================================================================= smp
def smp_dice(x, tgt, params, new_formula=True, f32_weights=True):
    mode = params["mode"]
    N, C, S = len(x), len(x[0]), len(x[0][0])
    if params.get("from_logits", True):
        if mode == "multiclass":
            p = map3(math.exp, log_softmax_c(x))
        else:
            p = map3(lambda v: math.exp(log_sigmoid(v)), x)
    else:
        p = x
    ii = params.get("ignore_index")
    if mode == "multiclass":
        if ii is not None:
            mask = [[tgt.idx[n][s] != ii for s in range(S)] for n in range(N)]
            p = [[[p[n][c][s] * mask[n][s] for s in range(S)] for c in range(C)] for n in range(N)]
            y = [[[float(tgt.idx[n][s] == c and mask[n][s]) for s in range(S)] for c in range(C)] for n in range(N)]
        else:
            y = tgt.onehot(C)
    else:
        y = tgt.dense
        if ii is not None:
            p = [[[p[n][c][s] * (y[n][c][s] != ii) for s in range(S)] for c in range(C)] for n in range(N)]
            y = [[[y[n][c][s] * (y[n][c][s] != ii) for s in range(S)] for c in range(C)] for n in range(N)]
    smooth, eps = params.get("smooth", 0.0), params.get("eps", 1e-7)
    losses = []
    for c in range(C):
        pl = [p[n][c][s] for n in range(N) for s in range(S)]
        yl = [y[n][c][s] for n in range(N) for s in range(S)]
        P, G = fsum(pl), fsum(yl)
        if new_formula:  # >= v0.4 (PR #927): soft_tversky_score(alpha=beta=0.5) with L1-norm intersection
            I = (P + G - fsum(abs(a - b) for a, b in zip(pl, yl))) / 2
            fp, fn = P - I, G - I
            score = (I + smooth) / max(I + 0.5 * fp + 0.5 * fn + smooth, eps)
        else:  # <= v0.3.x
            I = fsum(a * b for a, b in zip(pl, yl))
            score = (2 * I + smooth) / max(P + G + smooth, eps)
        loss = -math.log(max(score, eps)) if params.get("log_loss") else 1.0 - score
        if not G > 0:
            loss *= 0.0
        losses.append(loss)
    classes = params.get("classes")
    idxs = list(range(C)) if classes is None else list(classes)
    sel = [losses[i] for i in idxs]
    cw = params.get("class_weights")
    if cw is not None:
        if not f32_weights:
            w = [float(cw[i]) for i in idxs]
            return fsum(l * wi for l, wi in zip(sel, w)) / fsum(w)
        w = [f32(cw[i]) for i in idxs]  # to_tensor(class_weights, dtype=torch.float) -> float32
        return fsum(l * wi for l, wi in zip(sel, w)) / f32_sum(w)  # weights.sum() is a float32 sum
    return fsum(sel) / len(sel)


def smp_focal_fn(xs, ts, gamma, alpha, reduced_threshold, normalized, eps=1e-6):
    """focal_loss_with_logits on flat lists, reduction mean."""
    losses, fts = [], []
    for xv, tv in zip(xs, ts):
        logpt = max(xv, 0) - xv * tv + math.log1p(math.exp(-abs(xv)))  # BCE-with-logits
        pt = math.exp(-logpt)
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
        nf = max(fsum(fts), eps)
        losses = [l / nf for l in losses]
    return fsum(losses) / len(losses)


def smp_focal(x, tgt, params, multiclass_sum=False, f32_wsum=True):
    mode = params["mode"]
    N, C, S = len(x), len(x[0]), len(x[0][0])
    if not params.get("from_logits", True):
        e = params.get("eps", 1e-7)
        x = map3(lambda v: min(max(v, e), 1 - e), x)
        x = map3((lambda v: math.log(v / (1 - v))) if mode != "multiclass" else math.log, x)
    kw = dict(gamma=params.get("gamma", 2.0), alpha=params.get("alpha"),
              reduced_threshold=params.get("reduced_threshold"), normalized=params.get("normalized", False))
    ii = params.get("ignore_index")
    if mode == "binary":
        xs = [x[n][0][s] for n in range(N) for s in range(S)]
        ts = [tgt.dense[n][0][s] for n in range(N) for s in range(S)]
        if ii is not None:
            keep = [t != ii for t in ts]
            xs = [v for v, k in zip(xs, keep) if k]
            ts = [v for v, k in zip(ts, keep) if k]
        return smp_focal_fn(xs, ts, **kw)
    cls_losses = []
    for c in range(C):
        xs, ts = [], []
        for n in range(N):
            for s in range(S):
                if mode == "multiclass":
                    if ii is not None and tgt.idx[n][s] == ii:
                        continue
                    ts.append(1.0 if tgt.idx[n][s] == c else 0.0)
                else:
                    if ii is not None and tgt.dense[n][c][s] == ii:  # (anchor masks with y_true != ii, full shape)
                        continue
                    ts.append(tgt.dense[n][c][s])
                xs.append(x[n][c][s])
        cls_losses.append(smp_focal_fn(xs, ts, **kw))
    if multiclass_sum:  # smp <= 0.5.x multiclass behaviour (loss += per class)
        return fsum(cls_losses)
    cw = params.get("class_weights")
    if cw is not None:
        w = [f32(v) for v in cw]  # float32 weights AND float32 weights.sum()
        return fsum(l * wi for l, wi in zip(cls_losses, w)) / (f32_sum(w) if f32_wsum else fsum(w))
    return fsum(cls_losses) / C


def smp_ce(x, tgt, params):
    """SoftCrossEntropyLoss -> label_smoothed_nll_loss (reduction mean)."""
    eps = params.get("smooth_factor")
    lp = log_softmax_c(x)
    N, C, S = len(lp), len(lp[0]), len(lp[0][0])
    ii = params.get("ignore_index")
    nll, sm = [], []
    for n in range(N):
        for s in range(S):
            y = tgt.idx[n][s]
            if ii is not None and y == ii:
                nll.append(0.0)
                sm.append(0.0)  # masked_fill(0) but still counted in the mean
                continue
            nll.append(-lp[n][y][s])
            sm.append(-fsum(lp[n][c][s] for c in range(C)))
    nll_m, sm_m = fsum(nll) / len(nll), fsum(sm) / len(sm)
    return (1.0 - eps) * nll_m + (eps / C) * sm_m


# ============================================================================= shared primitives (sort, pool, relu)
# Tie-breaking of the sort / top-k keys. False: exact keys, ties by ascending index. True: keys rounded to 13
# significant digits and ties (so also near-ties) by DEScending index. The values never depend on it; make_extra.py
# evaluates the gradient both ways and only writes a file whose gradient does not depend on it either, so an
# implementation whose keys differ from these by round-off still gets the same permutation where it matters.
TIE_REVERSE = False
# Finite-difference checks of sort-based losses freeze the permutation of the unperturbed point:
# SORT_TAPE = {"mode": "record" | "replay", "orders": [...], "pos": 0}, or None.
SORT_TAPE = None


def argsort_desc(keys):
    """Indices in descending key order (torch.sort(descending=True) / torch.topk); the permutation is a constant."""
    tape = SORT_TAPE
    if tape is not None and tape["mode"] == "replay":
        tape["pos"] += 1
        return tape["orders"][tape["pos"] - 1]
    kf = [float(k) for k in keys]
    if TIE_REVERSE:
        kq = [float(f"{k:.12e}") for k in kf]
        order = sorted(range(len(kf)), key=lambda i: (-kq[i], -i))
    else:
        order = sorted(range(len(kf)), key=lambda i: (-kf[i], i))
    if tape is not None:
        tape["orders"].append(order)
    return order


def relu(v):
    """F.relu; backward passes the gradient only where the output is > 0 (torch threshold_backward)."""
    return v if v > 0 else 0.0


def t_minimum(a, b):
    """torch.min(a, b) (= torch.minimum). Backward (make_extra patches this): a tie splits the gradient in halves."""
    return a if a <= b else b


def bce_logits_elem(x, t, pw=None):
    """F.binary_cross_entropy_with_logits, one element, torch >= 2.1 formula:
    (1-t)*x - lw*logsigmoid(x), lw = 1 + (pw-1)*t (lw = 1 without pos_weight)."""
    if pw is None:
        return (1 - t) * x - log_sigmoid(x)
    lw = (pw - 1) * t + 1
    return (1 - t) * x - lw * log_sigmoid(x)


# ----------------------------------------------------------------------------- Lovasz
def lovasz_grad(gt_sorted, float32=True):
    """Berman's lovasz_grad on 0/1 labels in sorted order. The anchors (slo lovasz_grad, smp _lovasz_grad) compute it
    in FLOAT32: `gt_sorted.float().cumsum(0)` is a float32 vector and a 0-dim float64 `gts` does not promote it, so
    intersection/union are float32 (exact integers), 1 - I/U is rounded to float32 and so is each difference."""
    r = _f32_plain if float32 else (lambda v: v)
    gts = sum(gt_sorted)
    c1 = c0 = 0.0
    jac = []
    for g in gt_sorted:
        c1 += g
        c0 += 1.0 - g
        jac.append(r(1.0 - r((gts - c1) / (gts + c0))))
    return [jac[0]] + [r(jac[k] - jac[k - 1]) for k in range(1, len(jac))]


def _f32_plain(v):
    return struct.unpack("f", struct.pack("f", v))[0]


def lovasz_flat(errors, labels, hinge, float32=True):
    """dot(relu?(errors sorted descending), lovasz_grad(labels in that order)); the dot is float64."""
    if not errors:
        return 0.0
    order = argsort_desc(errors)
    g = lovasz_grad([labels[i] for i in order], float32)
    if hinge:
        return fsum(relu(errors[i]) * g[k] for k, i in enumerate(order))
    return fsum(errors[i] * g[k] for k, i in enumerate(order))


def smp_mean(values):
    """smp lovasz.py mean(): sequential sum / n, 0 when empty."""
    values = list(values)
    if not values:
        return 0
    acc = values[0]
    for v in values[1:]:
        acc = acc + v
    return acc if len(values) == 1 else acc / len(values)


# ----------------------------------------------------------------------------- max-pool morphology (clDice)
_WIN_CACHE = {}


def pool_windows(dims, kernel):
    """For every position of a stride-1, 'same'-padded pool: the flat input indices of its window in torch's scan
    order (row-major over the kernel offsets), out-of-range (padding) positions skipped."""
    key = (tuple(dims), tuple(kernel))
    if key in _WIN_CACHE:
        return _WIN_CACHE[key]
    nd = len(dims)
    strides = [prod(dims[a + 1:]) for a in range(nd)]
    offs = [[]]
    for k in kernel:
        offs = [o + [d] for o in offs for d in range(-(k // 2), k // 2 + 1)]
    wins = []
    for i in range(prod(dims)):
        coord = [(i // strides[a]) % dims[a] for a in range(nd)]
        w = []
        for o in offs:
            cc = [coord[a] + o[a] for a in range(nd)]
            if all(0 <= cc[a] < dims[a] for a in range(nd)):
                w.append(sum(cc[a] * strides[a] for a in range(nd)))
        wins.append(w)
    _WIN_CACHE[key] = wins
    return wins


def pool_pick(img, wins, take_max):
    """Max (or min) pool of one flat channel: the FIRST extreme element of each window in scan order (torch CPU
    max_pool keeps the first maximum, `val > maxval`; -max_pool(-x) therefore keeps the first minimum). The chosen
    element itself is returned, so the gradient is routed to it."""
    out = []
    for w in wins:
        best = img[w[0]]
        for j in w[1:]:
            v = img[j]
            if (v > best) if take_max else (v < best):
                best = v
        out.append(best)
    return out


def soft_erode(img, dims):
    """MONAI cldice soft_erode: per axis a -max_pool(-img) with kernel 3 along that axis only, then torch.min over
    the axes ((p1 min p2) min p3 in 3D)."""
    nd = len(dims)
    assert nd in (2, 3), "MONAI soft_erode handles 4-D and 5-D tensors only"
    out = []
    for ch_n in img:
        row = []
        for ch in ch_n:
            ps = [pool_pick(ch, pool_windows(dims, [3 if b == a else 1 for b in range(nd)]), False) for a in range(nd)]
            r = ps[0]
            for q in ps[1:]:
                r = [t_minimum(u, v) for u, v in zip(r, q)]
            row.append(r)
        out.append(row)
    return out


def soft_dilate(img, dims):
    wins = pool_windows(dims, [3] * len(dims))
    return [[pool_pick(ch, wins, True) for ch in ch_n] for ch_n in img]


def _ew(f, a, b):
    return [[[f(u, v) for u, v in zip(ca, cb)] for ca, cb in zip(na, nb)] for na, nb in zip(a, b)]


def soft_skel(img, dims, iters):
    img1 = soft_dilate(soft_erode(img, dims), dims)
    skel = _ew(lambda u, v: relu(u - v), img, img1)
    for _ in range(iters):
        img = soft_erode(img, dims)
        img1 = soft_dilate(soft_erode(img, dims), dims)
        delta = _ew(lambda u, v: relu(u - v), img, img1)
        skel = _ew(lambda s_, d_: s_ + relu(d_ - s_ * d_), skel, delta)
    return skel


# ============================================================================= SegLossOdyssey (more)
def slo_counts(x, tgt, k):
    """nnU-Net v1 get_tp_fp_fn with the SoftDiceLoss-family kwargs k -> rows tp/fp/fn [b][c] (b = n, or one pooled row)."""
    p = slo_probs(x, k.get("apply_nonlin"))
    N, C, S = len(p), len(p[0]), len(p[0][0])
    y = tgt.onehot(C)
    sq = (lambda v: v * v) if k.get("square", False) else (lambda v: v)
    tp = [[fsum(sq(p[n][c][s] * y[n][c][s]) for s in range(S)) for c in range(C)] for n in range(N)]
    fp = [[fsum(sq(p[n][c][s] * (1 - y[n][c][s])) for s in range(S)) for c in range(C)] for n in range(N)]
    fn = [[fsum(sq((1 - p[n][c][s]) * y[n][c][s]) for s in range(S)) for c in range(C)] for n in range(N)]
    if k.get("batch_dice", False):
        tp, fp, fn = ([[fsum(t[n][c] for n in range(N)) for c in range(C)]] for t in (tp, fp, fn))
    return tp, fp, fn


def slo_mean_sel(rows, do_bg):
    c0 = 0 if do_bg else 1
    vals = [v for r in rows for v in r[c0:]]
    return fsum(vals) / len(vals)


def slo_ratio_loss(x, tgt, k, ratio):
    tp, fp, fn = slo_counts(x, tgt, k)
    s = k.get("smooth", 1.0)
    rows = [[ratio(tp[b][c], fp[b][c], fn[b][c], s) for c in range(len(tp[b]))] for b in range(len(tp))]
    return -slo_mean_sel(rows, k.get("do_bg", True))


def slo_iou(x, tgt, params):
    return slo_ratio_loss(x, tgt, params, lambda tp, fp, fn, s: (tp + s) / (tp + fp + fn + s))


def slo_tversky(x, tgt, params, alpha=0.3, beta=0.7):
    return slo_ratio_loss(x, tgt, params, lambda tp, fp, fn, s: (tp + s) / (tp + alpha * fp + beta * fn + s))


def slo_asym(x, tgt, params, beta=1.5):
    w = (beta ** 2) / (1 + beta ** 2)
    return slo_ratio_loss(x, tgt, params, lambda tp, fp, fn, s: (tp + s) / (tp + w * fn + (1 - w) * fp + s))


def slo_focal_tversky(x, tgt, params, power_after_mean=True):
    k = params["tversky_kwargs"]
    g = params.get("gamma", 0.75)
    a, b = params.get("tversky_alpha", 0.3), params.get("tversky_beta", 0.7)
    if power_after_mean:
        return (1 + slo_tversky(x, tgt, k, a, b)) ** g
    # rejected reading: per-(b,c) focal Tversky (1-TI)^gamma, then mean
    tp, fp, fn = slo_counts(x, tgt, k)
    s = k.get("smooth", 1.0)
    rows = [[(1 - (tp[r][c] + s) / (tp[r][c] + a * fp[r][c] + b * fn[r][c] + s)) ** g for c in range(len(tp[r]))]
            for r in range(len(tp))]
    return slo_mean_sel(rows, k.get("do_bg", True))


def slo_ss(x, tgt, params, r=0.1):
    p = slo_probs(x, params.get("apply_nonlin"))
    N, C, S = len(p), len(p[0]), len(p[0][0])
    y = tgt.onehot(C)
    s = params.get("smooth", 1.0)
    se = [[[(y[n][c][i] - p[n][c][i]) ** 2 for i in range(S)] for c in range(C)] for n in range(N)]
    groups = [[(n,) for n in range(N)]] if params.get("batch_dice") else [[(n,)] for n in range(N)]
    rows = []
    for grp in groups:
        row = []
        for c in range(C):
            sp = fsum(se[n][c][i] * y[n][c][i] for (n,) in grp for i in range(S))
            sy = fsum(y[n][c][i] for (n,) in grp for i in range(S))
            sn = fsum(se[n][c][i] * (1 - y[n][c][i]) for (n,) in grp for i in range(S))
            sb = fsum(1 - y[n][c][i] for (n,) in grp for i in range(S))
            row.append(r * (sp / (sy + s)) + (1 - r) * (sn / (sb + s)))
        rows.append(row)
    return slo_mean_sel(rows, params.get("do_bg", True))


def slo_gdice(x, tgt, params, f32_weights=True):
    """GDiceLoss (LIVIAETS port, einsum 'bcxyz': 3-D volumes only)."""
    p = slo_probs(x, params.get("apply_nonlin"))
    N, C, S = len(p), len(p[0]), len(p[0][0])
    y = tgt.onehot(C)
    sm = params.get("smooth", 1e-5)
    out = []
    for n in range(N):
        inter, union = [], []
        for c in range(C):
            G = sum(y[n][c])
            if f32_weights:  # 1 / (f32(G) + 1e-10)**2, every step in float32
                t = _f32_plain(G + _f32_plain(1e-10))
                w = _f32_plain(1.0 / _f32_plain(t * t))
            else:
                w = 1.0 / (G + 1e-10) ** 2
            inter.append(w * fsum(p[n][c][i] * y[n][c][i] for i in range(S)))
            union.append(w * (fsum(p[n][c]) + G))
        out.append(-2 * (fsum(inter) + sm) / (fsum(union) + sm))
    return fsum(out) / N


def slo_gdice_v2(x, tgt, params, f32_weights=True):
    """GDiceLossV2 (wolny port): (C, N*spatial) flattening, any dimensionality."""
    p = slo_probs(x, params.get("apply_nonlin"))
    N, C, S = len(p), len(p[0]), len(p[0][0])
    y = tgt.onehot(C)
    sm = params.get("smooth", 1e-5)
    inter, den = [], []
    for c in range(C):
        ts = sum(y[n][c][i] for n in range(N) for i in range(S))
        if f32_weights:  # target.float(): float32 sum, product, clamp(min=f32(smooth)), reciprocal
            w = _f32_plain(1.0 / max(_f32_plain(ts * ts), _f32_plain(sm)))
        else:
            w = 1.0 / max(ts * ts, sm)
        inter.append(fsum(p[n][c][i] * y[n][c][i] for n in range(N) for i in range(S)) * w)
        den.append(fsum(p[n][c][i] + y[n][c][i] for n in range(N) for i in range(S)) * w)
    return -2.0 * fsum(inter) / max(fsum(den), sm)


def slo_pgdice(x, tgt, params):
    gk = dict(params.get("gdice_kwargs") or {})
    gk.setdefault("smooth", 1e-5)
    gk["apply_nonlin"] = "softmax_helper"
    gdc = slo_gdice(x, tgt, gk)
    k = params.get("k", 2.5)
    return gdc / (1 + k * (1 - gdc))


def slo_wce(x, tgt, params, f32_weights=False):
    w = params.get("weight")
    if w is not None:
        w = [_f32_plain(v) for v in w] if f32_weights else [float(v) for v in w]
    return torch_cross_entropy(x, tgt.idx, weight=w, ignore_index=params.get("ignore_index", -100))


def slo_explog(x, tgt, params, f32_weights=False):
    k = params["soft_dice_kwargs"]
    dc = -slo_soft_dice(x, tgt, k.get("batch_dice", False), k.get("do_bg", True), k.get("smooth", 1.0),
                        k.get("square", False), "softmax_helper")
    wce = slo_wce(x, tgt, params.get("wce_kwargs") or {}, f32_weights=f32_weights)
    return 0.8 * (-math.log(max(dc, 1e-6))) ** params.get("gamma", 0.3) + 0.2 * wce


def slo_topk(x, tgt, params, k_round=int):
    """TopKLoss: per-voxel CE (reduction none) over the whole batch, mean of the int(numel*k/100) largest."""
    lp = log_softmax_c(x)
    N, C, S = len(lp), len(lp[0]), len(lp[0][0])
    w = params.get("weight")
    ii = params.get("ignore_index", -100)
    ce = []
    for n in range(N):
        for s in range(S):
            y = tgt.idx[n][s]
            if y == ii:
                ce.append(0.0)
                continue
            ce.append(-lp[n][y][s] * (w[y] if w is not None else 1.0))
    kk = k_round(len(ce) * params.get("k", 10) / 100)
    sel = argsort_desc(ce)[:kk]
    return fsum(ce[i] for i in sel) / kk


def slo_dice_topk(x, tgt, params):
    k = params["soft_dice_kwargs"]
    dc = slo_soft_dice(x, tgt, k.get("batch_dice", False), k.get("do_bg", True), k.get("smooth", 1.0),
                       k.get("square", False), params.get("dice_apply_nonlin", "softmax_helper"))
    assert params.get("aggregate", "sum") == "sum"
    return slo_topk(x, tgt, params.get("ce_kwargs") or {}) + dc


def slo_lovasz_softmax(x, tgt, params, float32_grad=True, per_image=False):
    """LovaszSoftmax on probabilities (harness softmax), whole batch flattened, ALL classes, mean over classes."""
    p = softmax_c(x)
    N, C, S = len(p), len(p[0]), len(p[0][0])
    losses = []
    for c in range(C):
        per = []
        for grp in ([list(range(N))] if not per_image else [[n] for n in range(N)]):
            lab = [1.0 if tgt.idx[n][s] == c else 0.0 for n in grp for s in range(S)]
            err = [abs(lab[j] - p[n][c][s]) for j, (n, s) in enumerate((n, s) for n in grp for s in range(S))]
            per.append(lovasz_flat(err, lab, hinge=False, float32=float32_grad))
        losses.append(fsum(per) / len(per))
    red = params.get("reduction", "mean")
    return fsum(losses) if red == "sum" else fsum(losses) / len(losses)


# ============================================================================= MONAI (more)
def monai_prep(x, tgt, params):
    """Activation, to_onehot_y (float32 one-hot: exact 0/1), include_background slicing -> (p, t)."""
    N, C = len(x), len(x[0])
    if params.get("sigmoid"):
        p = map3(sigmoid, x)
    elif params.get("softmax") and C > 1:
        p = softmax_c(x)
    else:
        p = x
    if tgt.dense is not None and (not params.get("to_onehot_y") or C == 1):
        t = tgt.dense
    else:
        t = tgt.onehot(C)
    if not params.get("include_background", True) and C > 1:
        p, t = slice_channels(p, 1), slice_channels(t, 1)
    return p, t


def monai_groups(p, t, batch):
    N, Cp = len(p), len(p[0])
    if batch:
        return [[([v for n in range(N) for v in p[n][c]], [v for n in range(N) for v in t[n][c]]) for c in range(Cp)]]
    return [[(p[n][c], t[n][c]) for c in range(Cp)] for n in range(N)]


def monai_tversky(x, tgt, params):
    assert not params.get("soft_label", False)
    p, t = monai_prep(x, tgt, params)
    a, b = params.get("alpha", 0.5), params.get("beta", 0.5)
    nr, dr = float(params.get("smooth_nr", 1e-5)), float(params.get("smooth_dr", 1e-5))
    fs = []
    for row in monai_groups(p, t, params.get("batch", False)):
        for pl, tl in row:  # compute_tp_fp_fn(ord=1, decoupled=False): fp = sum p(1-t), fn = sum (1-p)t
            tp = fsum(u * v for u, v in zip(pl, tl))
            fp = fsum(u * (1 - v) for u, v in zip(pl, tl)) * a
            fn = fsum((1 - u) * v for u, v in zip(pl, tl)) * b
            fs.append(1.0 - (tp + nr) / (tp + fp + fn + dr))
    return fsum(fs) / len(fs)


def monai_gdice(x, tgt, params, f32_weights=True):
    assert not params.get("soft_label", False)
    p, t = monai_prep(x, tgt, params)
    nr, dr = float(params.get("smooth_nr", 1e-5)), float(params.get("smooth_dr", 1e-5))
    wt = params.get("w_type", "square")
    r = _f32_plain if f32_weights else (lambda v: v)
    fs = []
    for row in monai_groups(p, t, params.get("batch", False)):
        tps, dens, ws = [], [], []
        for pl, tl in row:
            tp = fsum(u * v for u, v in zip(pl, tl))
            fp = (fsum(pl) - tp) * 0.5
            g = fsum(tl)
            fn = (g - tp) * 0.5
            tps.append(tp)
            dens.append(2 * (tp + fp + fn))
            gf = r(g)  # ground_o.float()
            if wt == "simple":
                w = r(1.0 / gf) if gf != 0 else math.inf
            elif wt == "square":
                w = r(1.0 / r(gf * gf)) if gf != 0 else math.inf
            else:
                w = 1.0
            ws.append(w)
        finite = [w if not math.isinf(w) else 0.0 for w in ws]
        mx = max(finite)  # w[infs] = 0; w + infs * max(w)   (per sample, or over all classes if batch)
        ws = [w if not math.isinf(w) else mx for w in ws]
        numer = 2.0 * fsum(tp * w for tp, w in zip(tps, ws)) + nr
        denom = fsum(d * w for d, w in zip(dens, ws)) + dr
        fs.append(1.0 - numer / denom)
    return fsum(fs) / len(fs)


def monai_gdice_focal(x, tgt, params):
    g = monai_gdice(x, tgt, params)
    fp = {"include_background": params.get("include_background", True), "to_onehot_y": params.get("to_onehot_y"),
          "gamma": params.get("gamma", 2.0), "weight": params.get("weight"), "alpha": None, "use_softmax": False}
    f = monai_focal(x, tgt, fp)
    return params.get("lambda_gdl", 1.0) * g + params.get("lambda_focal", 1.0) * f


def monai_cldice(x, tgt, params, shape=None, with_dice=False, split_ties=True):
    """SoftclDiceLoss / SoftDiceclDiceLoss forward(y_true, y_pred): y_pred = softmax(logits) (harness), y_true one-hot."""
    dims = list(shape[2:])
    p = softmax_c(x)
    y = tgt.dense
    N, C, S = len(p), len(p[0]), len(p[0][0])
    it, sm = params.get("iter_", 3), params.get("smooth", 1.0)
    sk_p = soft_skel(p, dims, it)
    sk_t = soft_skel(y, dims, it)
    fg = [(n, c, i) for n in range(N) for c in range(1, C) for i in range(S)]
    tprec = (fsum(sk_p[n][c][i] * y[n][c][i] for n, c, i in fg) + sm) / (fsum(sk_p[n][c][i] for n, c, i in fg) + sm)
    tsens = (fsum(sk_t[n][c][i] * p[n][c][i] for n, c, i in fg) + sm) / (fsum(sk_t[n][c][i] for n, c, i in fg) + sm)
    cl = 1.0 - 2.0 * (tprec * tsens) / (tprec + tsens)
    if not with_dice:
        return cl
    inter = fsum(y[n][c][i] * p[n][c][i] for n, c, i in fg)
    dice = 1.0 - (2.0 * inter + sm) / (fsum(y[n][c][i] for n, c, i in fg) + fsum(p[n][c][i] for n, c, i in fg) + sm)
    a = params.get("alpha", 0.5)
    return (1.0 - a) * dice + a * cl


def monai_dice_cldice(x, tgt, params, shape=None):
    return monai_cldice(x, tgt, params, shape=shape, with_dice=True)


# ============================================================================= smp (more)
def smp_prep(x, tgt, params):
    """smp DiceLoss-family preprocessing -> (p, y) as [n][c][s] (ignore_index zeroes p and y)."""
    mode = params["mode"]
    N, C, S = len(x), len(x[0]), len(x[0][0])
    if params.get("from_logits", True):
        p = map3(math.exp, log_softmax_c(x)) if mode == "multiclass" else map3(lambda v: math.exp(log_sigmoid(v)), x)
    else:
        p = x
    ii = params.get("ignore_index")
    if mode == "multiclass":
        if ii is not None:
            mask = [[tgt.idx[n][s] != ii for s in range(S)] for n in range(N)]
            p = [[[p[n][c][s] * mask[n][s] for s in range(S)] for c in range(C)] for n in range(N)]
            y = [[[float(tgt.idx[n][s] == c and mask[n][s]) for s in range(S)] for c in range(C)] for n in range(N)]
        else:
            y = tgt.onehot(C)
    else:
        y = tgt.dense
        if ii is not None:
            p = [[[p[n][c][s] * (y[n][c][s] != ii) for s in range(S)] for c in range(C)] for n in range(N)]
            y = [[[y[n][c][s] * (y[n][c][s] != ii) for s in range(S)] for c in range(C)] for n in range(N)]
    return p, y


def smp_tversky(x, tgt, params, jaccard=False):
    """smp TverskyLoss (alpha, beta, gamma) and JaccardLoss (soft_tversky_score with alpha = beta = 1, no gamma)."""
    p, y = smp_prep(x, tgt, params)
    N, C, S = len(p), len(p[0]), len(p[0][0])
    a, b = (1.0, 1.0) if jaccard else (params.get("alpha", 0.5), params.get("beta", 0.5))
    smooth, eps = params.get("smooth", 0.0), params.get("eps", 1e-7)
    losses = []
    for c in range(C):
        pl = [p[n][c][s] for n in range(N) for s in range(S)]
        yl = [y[n][c][s] for n in range(N) for s in range(S)]
        P, G = fsum(pl), fsum(yl)
        I = (P + G - fsum(abs(u - v) for u, v in zip(pl, yl))) / 2
        fp, fn = P - I, G - I
        score = (I + smooth) / max(I + a * fp + b * fn + smooth, eps)
        loss = -math.log(max(score, eps)) if params.get("log_loss") else 1.0 - score
        if not G > 0:
            loss *= 0.0
        losses.append(loss)
    classes = params.get("classes")
    idxs = list(range(C)) if classes is None else list(classes)
    sel = [losses[i] for i in idxs]
    cw = params.get("class_weights")
    if cw is not None:
        w = [f32(cw[i]) for i in idxs]
        agg = fsum(l * wi for l, wi in zip(sel, w)) / f32_sum(w)
    else:
        agg = fsum(sel) / len(sel)
    return agg if jaccard else agg ** params.get("gamma", 1.0)


def smp_jaccard(x, tgt, params):
    return smp_tversky(x, tgt, params, jaccard=True)


def smp_mcc(x, tgt, params):
    """MCCLoss on probabilities (harness sigmoid), counts over the whole batch, each + eps."""
    p = map3(sigmoid, x)
    y = tgt.dense
    eps = params.get("eps", 1e-5)
    pr = [(u, v) for pn, yn in zip(p, y) for pc, yc in zip(pn, yn) for u, v in zip(pc, yc)]
    tp = fsum(u * v for u, v in pr) + eps
    tn = fsum((1 - u) * (1 - v) for u, v in pr) + eps
    fp = fsum(u * (1 - v) for u, v in pr) + eps
    fn = fsum((1 - u) * v for u, v in pr) + eps
    num = tp * tn - fp * fn
    den = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return 1.0 - num / den


def smp_soft_bce(x, tgt, params):
    """SoftBCEWithLogitsLoss: BCE-with-logits on (1-y)*s + y*(1-s), times (y != ignore_index), mean."""
    assert params.get("weight") is None
    s = params.get("smooth_factor")
    pw = params.get("pos_weight")
    if pw is not None:
        assert len(pw) == 1, "pos_weight broadcasts along the last axis; only length 1 is reproduced"
        pw = float(pw[0])
    ii = params.get("ignore_index", -100)
    terms = []
    for xn, yn in zip(x, tgt.dense):
        for xc, yc in zip(xn, yn):
            for xv, yv in zip(xc, yc):
                st = (1 - yv) * s + yv * (1 - s) if s is not None else yv
                l = bce_logits_elem(xv, st, pw)
                if ii is not None:
                    l = l * (1.0 if yv != ii else 0.0)
                terms.append(l)
    red = params.get("reduction", "mean")
    return fsum(terms) / len(terms) if red == "mean" else fsum(terms)


def smp_lovasz(x, tgt, params, float32_grad=True, classes="present"):
    """LovaszLoss: binary/multilabel = Lovasz hinge on raw logits; multiclass = Lovasz-softmax (softmax inside),
    classes present in the (per-image or whole-batch) target only."""
    mode = params["mode"]
    per_image = params.get("per_image", False)
    ign = params.get("ignore_index")
    N, C, S = len(x), len(x[0]), len(x[0][0])
    groups = [[n] for n in range(N)] if per_image else [list(range(N))]
    out = []
    if mode in ("binary", "multilabel"):
        for grp in groups:
            lg = [x[n][c][s] for n in grp for c in range(C) for s in range(S)]
            lb = [tgt.dense[n][c][s] for n in grp for c in range(C) for s in range(S)]
            if ign is not None:
                keep = [v != ign for v in lb]
                lg = [v for v, k in zip(lg, keep) if k]
                lb = [v for v, k in zip(lb, keep) if k]
            err = [1.0 - u * (2.0 * v - 1.0) for u, v in zip(lg, lb)]
            out.append(lovasz_flat(err, lb, hinge=True, float32=float32_grad))
        return smp_mean(out)
    p = softmax_c(x)
    for grp in groups:
        vox = [(n, s) for n in grp for s in range(S) if ign is None or tgt.idx[n][s] != ign]
        losses = []
        for c in range(C):
            fg = [1.0 if tgt.idx[n][s] == c else 0.0 for n, s in vox]
            if classes == "present" and sum(fg) == 0:
                continue
            err = [abs(f - p[n][c][s]) for f, (n, s) in zip(fg, vox)]
            losses.append(lovasz_flat(err, fg, hinge=False, float32=float32_grad))
        out.append(smp_mean(losses))
    return smp_mean(out)


# ============================================================================= formula
def formula_log_cosh_dice(x, tgt, params):
    """log(cosh(1 - Dice)) over ALL elements flattened, smooth in numerator and denominator, sigmoid by the harness."""
    p = map3(sigmoid, x)
    sm = params.get("smooth", 1.0)
    pl = [v for pn in p for pc in pn for v in pc]
    yl = [v for yn in tgt.dense for yc in yn for v in yc]
    d = 1 - (2 * fsum(u * v for u, v in zip(yl, pl)) + sm) / (fsum(yl) + fsum(pl) + sm)
    return math.log((math.exp(d) + math.exp(-d)) / 2)



# ============================================================================= distance-map and blob families
# Exact Euclidean distance transform (brute force), with scipy 1.10.1 ndimage.distance_transform_edt semantics.
_COORD_CACHE = {}


def grid_coords(dims):
    dims = tuple(dims)
    if dims not in _COORD_CACHE:
        out = [()]
        for n_ax in dims:
            out = [c + (k,) for c in out for k in range(n_ax)]
        _COORD_CACHE[dims] = out
    return _COORD_CACHE[dims]


def edt(mask, dims):
    """scipy.ndimage.distance_transform_edt(mask) of a flat row-major 0/1 mask over `dims` (unit sampling): on each
    nonzero voxel the distance to the nearest zero voxel, 0 on zero voxels, as sqrt of the exact integer squared
    distance (what scipy computes from its feature transform).
    A mask with NO zero voxel: scipy 1.10.1's feature transform (ni_morphology.c _ComputeFT/_VoronoiFT on a zero-filled
    int32 `ft`) marks component 0 of every voxel -1 and never writes any component again, so the feature of every voxel
    is the virtual point (-1, 0, ..., 0) and the distance is sqrt((i_0 + 1)^2 + sum_{k>=1} i_k^2), axis 0 being the
    first axis of the ARRAY PASSED (for a (1, H, W) array that is the size-1 axis)."""
    co = grid_coords(dims)
    zeros = [co[i] for i, m in enumerate(mask) if not m]
    out = [0.0] * len(mask)
    for i, m in enumerate(mask):
        if not m:
            continue
        c = co[i]
        if zeros:
            best = min(sum((a - b) * (a - b) for a, b in zip(c, z)) for z in zeros)
        else:
            best = (c[0] + 1) ** 2 + sum(a * a for a in c[1:])
        out[i] = math.sqrt(best)
    return out


def label_components(mask, dims, connectivity=None):
    """scipy.ndimage.label(mask) labels: components of the nonzero voxels numbered 1, 2, ... in raster order of their
    first voxel. connectivity = the number of neighbours (4/8 in 2D, 6/18/26 in 3D; 2 in 1D); default the face
    neighbours (scipy's default structure generate_binary_structure(ndim, 1), which the public blob files use)."""
    nd = len(dims)
    co = grid_coords(dims)
    offs = [o for o in grid_coords([3] * nd) if any(v != 1 for v in o)]
    offs = [tuple(v - 1 for v in o) for o in offs]
    rank = 1 if connectivity in (None, 2 * nd) else {8: 2, 18: 2, 26: 3}[connectivity]  # max |offset|_1
    offs = [o for o in offs if sum(abs(v) for v in o) <= rank]
    strides = [prod(dims[k + 1:]) for k in range(nd)]
    lab = [0] * len(mask)
    n = 0
    for i, m in enumerate(mask):
        if not m or lab[i]:
            continue
        n += 1
        lab[i] = n
        stack = [i]
        while stack:
            j = stack.pop()
            c = co[j]
            for o in offs:
                q = [a + b for a, b in zip(c, o)]
                if all(0 <= q[k] < dims[k] for k in range(nd)):
                    qi = sum(q[k] * strides[k] for k in range(nd))
                    if mask[qi] and not lab[qi]:
                        lab[qi] = n
                        stack.append(qi)
    return lab


def spatial_dims(doc):
    return list(doc["input"]["shape"][2:])


def kervadec_dist(mask, dims):
    """Kervadec one_hot2dist for one (sample, class) volume: edt(~pos)*~pos - (edt(pos) - 1)*pos; zeros if no pos."""
    if not any(mask):
        return [0.0] * len(mask)
    neg = [0 if m else 1 for m in mask]
    e_neg = edt(neg, dims)
    e_pos = edt(mask, dims)
    return [e_neg[i] * neg[i] - (e_pos[i] - 1) * mask[i] for i in range(len(mask))]


def kervadec_dist_doc(doc):
    """The `dist` field the harness fed to BDLoss: one_hot2dist of the one-hot target, per sample and class, flat N,C,..."""
    sh = doc["input"]["shape"]
    N, C, dims = sh[0], sh[1], sh[2:]
    tgt = Target(doc["target"], doc["params"], sh)
    y = tgt.onehot(C)
    return [v for n in range(N) for c in range(C) for v in kervadec_dist([int(t) for t in y[n][c]], dims)]


def slo_hd_field(mask, arr_dims):
    """SegLossOdyssey HausdorffDTLoss.distance_field for one sample: edt(fg) + edt(bg) over the (1, spatial) array
    img[batch], zero if the sample has no fg. With no bg, edt(fg) is scipy's virtual-point value on the size-1 axis."""
    if not any(mask):
        return [0.0] * len(mask)
    bg = [0 if m else 1 for m in mask]
    a, b = edt(mask, arr_dims), edt(bg, arr_dims)
    return [u + v for u, v in zip(a, b)]


def monai_hd_field(mask, dims):
    """MONAI HausdorffDTLoss.distance_field for one (sample, channel): edt(fg) + edt(bg) over the spatial dims, zero when
    the mask is all background OR all foreground."""
    if not any(mask) or all(mask):
        return [0.0] * len(mask)
    bg = [0 if m else 1 for m in mask]
    a, b = edt(mask, dims), edt(bg, dims)
    return [u + v for u, v in zip(a, b)]


def hd_weight(pd, td, alpha):
    """pred_dt.float() ** alpha + target_dt.float() ** alpha, all in float32 (torch float32 pow and add)."""
    return f32(f32(f32(pd) ** alpha) + f32(f32(td) ** alpha))


def slo_hd_dt(x, tgt, params, doc=None):
    """SegLossOdyssey HausdorffDTLoss on probabilities (harness torch.sigmoid): mean((p-y)^2 * (dt_p^a + dt_y^a))."""
    dims = spatial_dims(doc)
    a = params.get("alpha", 2.0)
    p = map3(sigmoid, x)
    y = tgt.dense
    terms = []
    for n in range(len(p)):
        assert len(p[n]) == 1
        pm = [1 if v > 0.5 else 0 for v in p[n][0]]
        ym = [1 if v > 0.5 else 0 for v in y[n][0]]
        pd, td = slo_hd_field(pm, [1] + dims), slo_hd_field(ym, [1] + dims)
        for s in range(len(pm)):
            terms.append((p[n][0][s] - y[n][0][s]) ** 2 * hd_weight(pd[s], td[s], a))
    return fsum(terms) / len(terms)


def monai_hd_dt(x, tgt, params, doc=None):
    """MONAI HausdorffDTLoss (reduction mean, batch False): per channel (after activation, one-hot and background
    slicing) mean over space of (p-y)^2 * (dt_p^a + dt_y^a), then the mean over (b, c)."""
    assert not params.get("batch", False) and params.get("reduction", "mean") == "mean"
    dims = spatial_dims(doc)
    N, C = len(x), len(x[0])
    if params.get("sigmoid"):
        p = map3(sigmoid, x)
    elif params.get("softmax") and C > 1:
        p = softmax_c(x)
    else:
        p = x
    if tgt.dense is not None and (not params.get("to_onehot_y") or C == 1):
        y = tgt.dense
    else:
        y = tgt.onehot(C)
    if not params.get("include_background", False) and C > 1:
        p, y = slice_channels(p, 1), slice_channels(y, 1)
    a = params.get("alpha", 2.0)
    fs = []
    for n in range(N):
        for c in range(len(p[n])):
            pm = [1 if v > 0.5 else 0 for v in p[n][c]]
            ym = [1 if v > 0.5 else 0 for v in y[n][c]]
            pd, td = monai_hd_field(pm, dims), monai_hd_field(ym, dims)
            S = len(pm)
            fs.append(fsum((p[n][c][s] - y[n][c][s]) ** 2 * hd_weight(pd[s], td[s], a) for s in range(S)) / S)
    return fsum(fs) / len(fs)


def _ceil_log2(v):
    return 0 if v <= 1 else (v - 1).bit_length()


def _vadd(a, b):
    return [f32(u + v) for u, v in zip(a, b)]


def _multi_row_sum(load, nrows, size, lanes):
    """ATen SumKernel.cpp multi_row_sum: nrows interleaved accumulators, each a 4-level cascade flushed every
    2^level_power steps (float32 vector adds)."""
    num_levels = 4
    level_power = max(4, _ceil_log2(size) // num_levels)
    level_step = 1 << level_power
    level_mask = level_step - 1
    zero = [0.0] * lanes
    acc = [[zero for _ in range(nrows)] for _ in range(num_levels)]
    i = 0
    while i + level_step <= size:
        for _ in range(level_step):
            for k in range(nrows):
                acc[0][k] = _vadd(acc[0][k], load(i, k))
            i += 1
        for j in range(1, num_levels):
            for k in range(nrows):
                acc[j][k] = _vadd(acc[j][k], acc[j - 1][k])
                acc[j - 1][k] = zero
            if i & (level_mask << (j * level_power)):
                break
    while i < size:
        for k in range(nrows):
            acc[0][k] = _vadd(acc[0][k], load(i, k))
        i += 1
    for j in range(1, num_levels):
        for k in range(nrows):
            acc[0][k] = _vadd(acc[0][k], acc[j][k])
    return acc[0]


def torch_sum_f32(vals, lanes=8):
    """torch CPU .sum() of a contiguous float32 tensor (ATen cascade_sum -> vectorized_inner_sum): `lanes`-wide float32
    vectors (8 = AVX2) summed by row_sum (4-way ILP over multi_row_sum, then the leftover vectors, then the 4 partials),
    the scalar tail added to 0 first, then the lanes in order. Reproduces both public BDLoss files bit for bit (16 lanes,
    AVX-512, does not)."""
    n = len(vals)
    if n < lanes:  # scalar_inner_sum: row_sum of scalars
        vecs = [[v] for v in vals]
        ps = _multi_row_sum(lambda i, k: vecs[i * 4 + k], 4, n // 4, 1)
        for i in range((n // 4) * 4, n):
            ps[0] = _vadd(ps[0], vecs[i])
        for k in range(1, 4):
            ps[0] = _vadd(ps[0], ps[k])
        return ps[0][0]
    vec_size = n // lanes
    vecs = [vals[j * lanes:(j + 1) * lanes] for j in range(vec_size)]
    size_ilp = vec_size // 4
    ps = _multi_row_sum(lambda i, k: vecs[i * 4 + k], 4, size_ilp, lanes)
    for i in range(size_ilp * 4, vec_size):
        ps[0] = _vadd(ps[0], vecs[i])
    for k in range(1, 4):
        ps[0] = _vadd(ps[0], ps[k])
    acc = 0.0
    for k in range(vec_size * lanes, n):
        acc = f32(acc + vals[k])
    for v in ps[0]:
        acc = f32(acc + v)
    return acc


def crosses_threshold(d, xs, i, h=2e-3):
    """For finite-difference checks of hd_dt files: True if moving input element i by +-h changes which voxels are
    predicted foreground (p > 0.5), i.e. the difference would step across a jump of the (constant) distance fields."""
    def fg(xx):
        x = to_ncs(xx, d["input"]["shape"])
        p = map3(sigmoid, x) if d["params"].get("activation") == "sigmoid" else softmax_c(x)
        return [[v > 0.5 for v in ch] for n in p for ch in n]
    base = fg(xs)
    for sgn in (1, -1):
        xx = list(xs)
        xx[i] += sgn * h
        if fg(xx) != base:
            return True
    return False


def bd_mean32(ps, ds, sum_order="aten8"):
    """BDLoss core: einsum of float32 p and float32 dist (elementwise float32 products), then the float32 .mean() =
    torch float32 sum (torch_sum_f32) divided by M in float32. make_extra's autodiff gives it torch's backward:
    d/dp_i = f32(f32(1/M) * f32(d_i)) (mean backward and mul backward in float32, the casts pass it through)."""
    if not EMULATE_F32_INPUT:  # finite-difference checks: the smooth float64 function (the map still float32)
        return fsum(p * f32(dd) for p, dd in zip(ps, ds)) / len(ps)
    prods = [f32(f32(p) * f32(dd)) for p, dd in zip(ps, ds)]
    if sum_order == "sequential":  # rejected reading: float32 accumulation in memory order
        acc = 0.0
        for v in prods:
            acc = f32(acc + v)
        return f32(acc / len(prods))
    if sum_order == "exact":  # rejected reading: the exact sum, rounded once
        return f32(fsum(prods) / len(prods))
    return f32(torch_sum_f32(prods, lanes=16 if sum_order == "aten16" else 8) / len(prods))


def slo_bd_core(p, doc, sum_order="aten8"):
    sh = doc["input"]["shape"]
    N, C = sh[0], sh[1]
    S = prod(sh[2:])
    assert len(sh) == 5, "BDLoss einsum 'bcxyz': 3-D only"
    dist = doc["dist"]["values"]
    ps, ds = [], []
    for n in range(N):
        for c in range(1, C):
            for s in range(S):
                ps.append(p[n][c][s])
                ds.append(dist[(n * C + c) * S + s])
    return bd_mean32(ps, ds, sum_order)


def slo_boundary(x, tgt, params, doc=None, sum_order="aten8"):
    """SegLossOdyssey BDLoss: mean over (b, c>=1, xyz) of float32(softmax(x)) * float32(dist)."""
    return slo_bd_core(softmax_c(x), doc, sum_order)


def slo_dice_boundary(x, tgt, params, doc=None, sum_order="aten8"):
    """SegLossOdyssey DC_and_BD_loss: SoftDiceLoss(softmax_helper, soft_dice_kwargs) + BDLoss (aggregate sum)."""
    assert params.get("aggregate", "sum") == "sum"
    k = params["soft_dice_kwargs"]
    dc = slo_soft_dice(x, tgt, k.get("batch_dice", False), k.get("do_bg", True), k.get("smooth", 1.0),
                       k.get("square", False), "softmax_helper")
    return dc + slo_bd_core(softmax_c(x), doc, sum_order)


def slo_dpce(x, tgt, params, doc=None):
    """SegLossOdyssey DisPenalizedCE: returns loss.mean() of the UNWEIGHTED per-voxel CE (the map is discarded)."""
    return torch_cross_entropy(x, tgt.idx)


def penalized_map(mask, dims):
    """compute_edts_forPenalizedLoss for one sample (float64, numpy order of operations):
    pos = edt(m); pos = (max(pos) - pos)*m; neg likewise on ~m; res = pos/max(pos) + neg/max(neg).
    Returns None where numpy gives NaN (a max of 0: no voxel on a side, or all its voxels at distance 1)."""
    neg = [0 if m else 1 for m in mask]
    pe, ne = edt(mask, dims), edt(neg, dims)
    mp, mn = max(pe), max(ne)
    pe = [(mp - v) * m for v, m in zip(pe, mask)]
    ne = [(mn - v) * m for v, m in zip(ne, neg)]
    dp, dn = max(pe), max(ne)
    if dp == 0 or dn == 0:
        return None
    return [u / dp + v / dn for u, v in zip(pe, ne)]


def slo_dist_dice(x, tgt, params, doc=None, f32_dist=False):
    """SegLossOdyssey DistBinaryDiceLoss: dist = compute_edts_forPenalizedLoss(gt > 0.5) + 1 (float64: on CPU the
    anchor's `.type(torch.float32)` is skipped, it only runs when the map changes device);
    dc_n = (2 sum(p1*y1*dist) + s)/(sum p1 + sum y1 + s); value -mean(dc)."""
    dims = spatial_dims(doc)
    assert len(dims) == 3, "torch.sum(..., (1,2,3)): 3-D only"
    s_ = params.get("smooth", 1e-5)
    p = softmax_c(x)
    y = tgt.onehot(len(x[0]))
    dcs = []
    for n in range(len(p)):
        m = [1 if v > 0.5 else 0 for v in tgt.idx[n]]
        pm = penalized_map(m, dims)
        if pm is None:
            return float("nan")
        dist = [v + 1.0 for v in pm]
        if f32_dist:
            dist = [f32(v) for v in dist]
        tp = fsum(p[n][1][i] * y[n][1][i] * dist[i] for i in range(len(dist)))
        dcs.append((2 * tp + s_) / (fsum(p[n][1]) + fsum(y[n][1]) + s_))
    return -(fsum(dcs) / len(dcs))


class _Dense:
    def __init__(self, dense):
        self.dense = dense
        self.idx = None
        self.fmt = "binary"


def blob_monai_dice(x1, t1, sigmoid_in):
    """The criterion: MONAI DiceLoss(include_background, sigmoid=sigmoid_in, smooth 1e-5, batch False) on one (N, 1, ...)."""
    prm = {"include_background": True, "to_onehot_y": False, "sigmoid": sigmoid_in, "softmax": False,
           "squared_pred": False, "jaccard": False, "smooth_nr": 1e-5, "smooth_dr": 1e-5, "batch": False}
    return monai_dice(x1, _Dense(t1), prm)


def blob_dice(x, tgt, params, doc=None):
    """blob_loss compute_loss with a single criterion (MONAI DiceLoss): alpha*main + beta*blob.
    entry sigmoid=True ('prob_mask'): sigmoid first, criterion sigmoid=False, the mask zeroes PROBABILITIES;
    entry sigmoid=False ('readme_logit_mask'): the criterion applies the sigmoid, the mask zeroes LOGITS (-> 0.5)."""
    entry = params["criterion_entry"]
    ew = entry.get("weight", 1.0)
    pre_sigmoid = entry.get("sigmoid", False)
    crit_sigmoid = "sigmoid=True" in params["criterion"]
    assert crit_sigmoid != pre_sigmoid
    mw, bw = params.get("main_weight", params.get("alpha")), params.get("blob_weight", params.get("beta"))
    assert params.get("masked", True) and mw > 0 and bw > 0
    out = map3(sigmoid, x) if pre_sigmoid else x
    main = blob_monai_dice(out, tgt.dense, crit_sigmoid) * ew
    N = len(x)
    S = len(x[0][0])
    inst = doc["instances"]["values"]
    elems = []
    for n in range(N):
        lab = [int(v) for v in inst[n * S:(n + 1) * S]]
        ids = sorted(set(lab))  # torch.unique: sorted
        losses = []
        for u in ids:
            if u == 0:
                continue
            keep = [1 if (l == 0 or l == u) else 0 for l in lab]  # ~(label > 0), then True on this instance
            masked = [[[out[n][0][s] * keep[s] for s in range(S)]]]
            the_label = [[[1.0 if l == u else 0.0 for l in lab]]]
            losses.append(blob_monai_dice(masked, the_label, crit_sigmoid))
        if losses:
            elems.append(sum_py(losses) / len(losses))
    blob = sum_py(elems) / len(elems) if elems else 0
    return main * mw + (blob * ew) * bw


def sum_py(items):
    """Python's built-in sum (start 0), as blob_loss uses on lists of tensors."""
    acc = 0
    for v in items:
        acc = acc + v
    return acc


# ============================================================================= dispatch
FAMILIES = {
    ("SegLossOdyssey", "dice"): slo_dice,
    ("SegLossOdyssey", "ce"): slo_ce,
    ("SegLossOdyssey", "focal"): slo_focal,
    ("SegLossOdyssey", "dice_ce"): slo_dice_ce,
    ("MONAI", "dice"): monai_dice,
    ("MONAI", "focal"): monai_focal,
    ("MONAI", "dice_ce"): monai_dice_ce,
    ("MONAI", "dice_focal"): monai_dice_focal,
    ("smp", "dice"): smp_dice,
    ("smp", "focal"): smp_focal,
    ("smp", "ce"): smp_ce,
    # ---- the further families
    ("SegLossOdyssey", "iou"): slo_iou,
    ("SegLossOdyssey", "tversky"): slo_tversky,
    ("SegLossOdyssey", "asym"): slo_asym,
    ("SegLossOdyssey", "ss"): slo_ss,
    ("SegLossOdyssey", "focal_tversky"): slo_focal_tversky,
    ("SegLossOdyssey", "gdice", "GDiceLoss"): slo_gdice,
    ("SegLossOdyssey", "gdice", "GDiceLossV2"): slo_gdice_v2,
    ("SegLossOdyssey", "pgdice"): slo_pgdice,
    ("SegLossOdyssey", "wce"): slo_wce,
    ("SegLossOdyssey", "explog"): slo_explog,
    ("SegLossOdyssey", "topk"): slo_topk,
    ("SegLossOdyssey", "dice_topk"): slo_dice_topk,
    ("SegLossOdyssey", "lovasz_softmax"): slo_lovasz_softmax,
    ("MONAI", "iou"): monai_dice,  # DiceLoss(jaccard=True)
    ("MONAI", "tversky"): monai_tversky,
    ("MONAI", "gdice"): monai_gdice,
    ("MONAI", "gdice_focal"): monai_gdice_focal,
    ("MONAI", "cldice", "SoftclDiceLoss"): monai_cldice,
    ("MONAI", "cldice", "SoftDiceclDiceLoss"): monai_dice_cldice,
    ("smp", "iou"): smp_jaccard,
    ("smp", "tversky"): smp_tversky,
    ("smp", "focal_tversky"): smp_tversky,
    ("smp", "mcc"): smp_mcc,
    ("smp", "bce"): smp_soft_bce,
    ("smp", "wbce"): smp_soft_bce,
    ("smp", "soft_bce"): smp_soft_bce,
    ("smp", "soft_ce"): smp_ce,
    ("smp", "lovasz_hinge"): smp_lovasz,
    ("smp", "lovasz_softmax"): smp_lovasz,
    ("formula", "log_cosh_dice"): formula_log_cosh_dice,
    # ---- distance-map and blob families
    ("SegLossOdyssey", "boundary"): slo_boundary,
    ("SegLossOdyssey", "dice_boundary"): slo_dice_boundary,
    ("SegLossOdyssey", "hd_dt"): slo_hd_dt,
    ("SegLossOdyssey", "dpce"): slo_dpce,
    ("SegLossOdyssey", "dist_dice"): slo_dist_dice,
    ("MONAI", "hd_dt"): monai_hd_dt,
    ("blob_loss", "blob_dice"): blob_dice,
}
NEEDS_SHAPE = {monai_cldice, monai_dice_cldice}  # the morphology needs the spatial dims
NEEDS_DOC = {slo_boundary, slo_dice_boundary, slo_hd_dt, slo_dpce, slo_dist_dice, monai_hd_dt, blob_dice}  # dims, dist, instances


def anchor_class(d):
    return d["anchor"].split()[-1]


def family_of(d):
    a = d["anchor"].split()[0]
    return FAMILIES.get((a, d["loss"], anchor_class(d))) or FAMILIES[(a, d["loss"])]


def evaluate(d, flat_input, **kw):
    x = to_ncs(flat_input, d["input"]["shape"])
    tgt = Target(d["target"], d["params"], d["input"]["shape"])
    fam = family_of(d)
    if fam in NEEDS_SHAPE:
        kw["shape"] = d["input"]["shape"]
    if fam in NEEDS_DOC:
        kw["doc"] = d
    return fam(x, tgt, d["params"], **kw)


def is_precision(d):
    # case-insensitive, as the C# runner (GoldenFile.IsReducedPrecision): the BDLoss notes say "float32 precision"
    return "precision" in (d.get("notes") or "").lower()


def rel_err(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


# ----------------------------------------------------------------------------- rejected hypotheses
# (loss-prefix, anchor, knob kwargs, description).  Each is evaluated on every matching in-scope file whose
# params make the knob matter; the accepted reading is the default of each knob.
ALTERNATIVES = [
    ("focal", "smp", {"multiclass_sum": True}, "smp<=0.5.0 FocalLoss multiclass: SUM of per-class means"),
    ("focal", "smp", {"f32_wsum": False}, "smp FocalLoss class_weights: float64 weights.sum() instead of float32"),
    ("dice", "smp", {"new_formula": False}, "smp<=0.3.x soft_dice_score (2I+s)/max(P+G+s,eps)"),
    ("dice", "smp", {"f32_weights": False}, "smp DiceLoss class_weights as exact float64"),
    ("dice", "MONAI", {"f32_weights": True}, "MONAI DiceLoss weight rounded to float32 (torch.as_tensor(list))"),
    ("dice", "MONAI", {"f32_target_norm": False}, "MONAI squared_pred with exact G2=sum(g^2) (no float32 norm)"),
    ("dice_ce", "MONAI", {"f32_weights": True}, "MONAI DiceCE weight as float32"),
    ("dice_ce", "MONAI", {"smooth_den": "count"}, "MONAI DiceCE label-smoothing term / voxel count (not / sum w[y])"),
    ("dice_focal", "MONAI", {"focal_softmax": True}, "MONAI DiceFocal focal term as SOFTMAX focal"),
    ("focal", "SegLossOdyssey", {"f32_onehot": False}, "SLO focal one-hot clamp bounds in float64"),
    # ---- the further families
    ("lovasz_softmax", "SegLossOdyssey", {"float32_grad": False}, "SLO lovasz_grad in float64 (no float32 Jaccard)"),
    ("lovasz_softmax", "SegLossOdyssey", {"per_image": True}, "SLO LovaszSoftmax per image, then mean"),
    ("lovasz_softmax", "smp", {"float32_grad": False}, "smp _lovasz_grad in float64"),
    ("lovasz_hinge", "smp", {"float32_grad": False}, "smp _lovasz_grad in float64 (hinge)"),
    ("lovasz_softmax", "smp", {"classes": "all"}, "smp Lovasz-softmax over ALL classes (not only present ones)"),
    ("focal_tversky", "SegLossOdyssey", {"power_after_mean": False}, "SLO focal Tversky: (1-TI)^gamma per (b,c), then mean"),
    ("gdice", "SegLossOdyssey", {"f32_weights": False}, "SLO GDiceLoss / GDiceLossV2 weights in float64"),
    ("gdice", "MONAI", {"f32_weights": False}, "MONAI GeneralizedDiceLoss weights in float64"),
    ("wce", "SegLossOdyssey", {"f32_weights": True}, "SLO WeightedCrossEntropyLoss weight as float32"),
    ("explog", "SegLossOdyssey", {"f32_weights": True}, "SLO ExpLog WCE weight as float32"),
    ("topk", "SegLossOdyssey", {"k_round": round}, "SLO TopK count round(numel*k/100) instead of int()"),
    # ---- distance-map families
    ("dist_dice", "SegLossOdyssey", {"f32_dist": True}, "SLO DistBinaryDiceLoss map rounded to float32 (the README's reading)"),
    ("boundary", "SegLossOdyssey", {"sum_order": "sequential"}, "SLO BDLoss float32 mean accumulated sequentially"),
    ("boundary", "SegLossOdyssey", {"sum_order": "exact"}, "SLO BDLoss float32 mean = exact sum rounded once"),
    ("boundary", "SegLossOdyssey", {"sum_order": "aten16"}, "SLO BDLoss float32 mean, ATen order with 16 lanes (AVX-512)"),
    ("dice_boundary", "SegLossOdyssey", {"sum_order": "sequential"}, "SLO DC_and_BD float32 mean accumulated sequentially"),
    ("dice_boundary", "SegLossOdyssey", {"sum_order": "exact"}, "SLO DC_and_BD float32 mean = exact sum rounded once"),
    ("dice_boundary", "SegLossOdyssey", {"sum_order": "aten16"}, "SLO DC_and_BD float32 mean, ATen order with 16 lanes"),
]


def alternatives(docs):
    print("# rejected hypotheses (each should FAIL where it changes the value):")
    for prefix, anchor, kw, desc in ALTERNATIVES:
        rows = []
        for f, d in docs.items():
            if d["loss"] != prefix or d["anchor"].split()[0] != anchor:
                continue
            v0 = evaluate(d, d["input"]["values"])
            v1 = evaluate(d, d["input"]["values"], **kw)
            if v0 == v1:
                continue  # knob irrelevant for this file
            rows.append((os.path.basename(f), rel_err(v1, d["value"])))
        if rows:
            lo, hi = min(e for _, e in rows), max(e for _, e in rows)
            print(f"  {desc}: {len(rows)} files affected, rel_err vs golden in [{lo:.2e}, {hi:.2e}]  "
                  f"({', '.join(n for n, _ in rows[:4])}{'...' if len(rows) > 4 else ''})")
        else:
            print(f"  {desc}: no in-scope file affected")


def main():
    files = sorted(f for f in glob.glob(os.path.join(GOLDEN, "*.json"))
                   if os.path.basename(f).split("__")[0] in IN_SCOPE)
    n_pass = 0
    docs = {}
    for f in files:
        d = json.load(open(f))
        docs[f] = d
        v = evaluate(d, d["input"]["values"])
        tol = 1e-6 if is_precision(d) else 1e-12
        e = rel_err(v, d["value"])
        ok = e <= tol
        n_pass += ok
        print(f"{'PASS' if ok else 'FAIL'}  {os.path.basename(f):55s} rel_err={e:.3e}  tol={tol:g}  "
              f"ours={v:.17g} golden={d['value']:.17g}")
    print(f"# value: {n_pass}/{len(files)} PASS")
    alternatives(docs)

    # ------------------------------------------------ gradient check (central differences, h = 1e-6)
    print("# gradient check: central differences (best of h=1e-4, 1e-6; sort permutations of the point frozen) "
          "on a few input elements vs golden grad")
    global EMULATE_F32_INPUT, SORT_TAPE
    EMULATE_F32_INPUT = False
    g_fail = 0
    g_n = 0
    for f in files:
        d = docs[f]
        xs = list(d["input"]["values"])
        M = len(xs)
        picks = sorted({0, 7, M // 3, M // 2 + 5, M - 1})
        worst = 0.0
        gscale = max(abs(g) for g in d["grad"]["values"])
        SORT_TAPE = {"mode": "record", "orders": [], "pos": 0}
        evaluate(d, xs)
        SORT_TAPE["mode"] = "replay"

        def F(xx):
            SORT_TAPE["pos"] = 0
            return evaluate(d, xx)
        for i in picks:
            g = d["grad"]["values"][i]
            best = math.inf
            for h in (1e-4, 1e-6):  # truncation vs. round-off (log-cosh Dice: value noise ~1e-16, grad ~1e-4)
                xp, xm = list(xs), list(xs)
                xp[i] += h
                xm[i] -= h
                fd = (F(xp) - F(xm)) / (2 * h)
                best = min(best, abs(fd - g) / gscale)
            worst = max(worst, best)
        SORT_TAPE = None
        tol = 1e-5 if is_precision(d) else 1e-7
        ok = worst <= tol
        g_fail += not ok
        g_n += 1
        print(f"{'GRAD-PASS' if ok else 'GRAD-FAIL'}  {os.path.basename(f):55s} "
              f"max|fd-grad|/max|grad| = {worst:.2e} over elements {picks}")
    print(f"# grad: {g_n - g_fail}/{g_n} PASS")


if __name__ == "__main__":
    main()
