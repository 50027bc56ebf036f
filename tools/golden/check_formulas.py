#!/usr/bin/env python3
"""Pure-Python (lists + math, float64) re-implementation of the golden-vector losses
dice / ce / focal / dice_ce / dice_focal for the anchors SegLossOdyssey (slo), MONAI, smp.

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
IN_SCOPE = {"dice", "ce", "focal", "dice_ce", "dice_focal"}


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
}


def family_of(d):
    return FAMILIES[(d["anchor"].split()[0], d["loss"])]


def evaluate(d, flat_input, **kw):
    x = to_ncs(flat_input, d["input"]["shape"])
    tgt = Target(d["target"], d["params"], d["input"]["shape"])
    return family_of(d)(x, tgt, d["params"], **kw)


def is_precision(d):
    return "PRECISION" in (d.get("notes") or "")


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
    print("# gradient check: central differences h=1e-6 on a few input elements vs golden grad")
    global EMULATE_F32_INPUT
    EMULATE_F32_INPUT = False
    h = 1e-6
    g_fail = 0
    g_n = 0
    for f in files:
        d = docs[f]
        xs = list(d["input"]["values"])
        M = len(xs)
        picks = sorted({0, 7, M // 3, M // 2 + 5, M - 1})
        worst = 0.0
        gscale = max(abs(g) for g in d["grad"]["values"])
        for i in picks:
            xp, xm = list(xs), list(xs)
            xp[i] += h
            xm[i] -= h
            fd = (evaluate(d, xp) - evaluate(d, xm)) / (2 * h)
            g = d["grad"]["values"][i]
            worst = max(worst, abs(fd - g) / gscale)
        tol = 1e-5 if is_precision(d) else 1e-7
        ok = worst <= tol
        g_fail += not ok
        g_n += 1
        print(f"{'GRAD-PASS' if ok else 'GRAD-FAIL'}  {os.path.basename(f):55s} "
              f"max|fd-grad|/max|grad| = {worst:.2e} over elements {picks}")
    print(f"# grad: {g_n - g_fail}/{g_n} PASS")


if __name__ == "__main__":
    main()
