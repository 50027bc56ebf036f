using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>
/// One call's input and target, validated and flattened to <c>[N, C, X]</c> (X = all spatial positions), with the
/// pixel sums generated losses are made of. A class-index target stays as indices (<see cref="Labels"/>): sums that
/// involve the one-hot target are done by gathering at the true class and summing by class, so no one-hot tensor
/// is ever built. Every tensor it makes belongs to the caller's dispose scope.
/// </summary>
public sealed class LossBatch
{
    private readonly Tensor? _target;
    private Tensor? _flatIndex;

    private LossBatch(Tensor input, Tensor? labels, Tensor? valid, Tensor? target, Tensor validCount, long[] spatialShape)
    {
        SpatialShape = spatialShape;
        Input = input;
        Labels = labels;
        Valid = valid;
        _target = target;
        ValidCount = validCount;
        Samples = input.shape[0];
        Classes = input.shape[1];
        Pixels = input.shape[2];
    }

    /// <summary>The input as <c>[N, C, X]</c> in the compute type (float32, or float64 for float64 input).</summary>
    public Tensor Input { get; }

    /// <summary>Class indices <c>[N, 1, X]</c> (int64; ignored pixels hold 0), or null for a dense target.</summary>
    public Tensor? Labels { get; }

    /// <summary><c>[N, 1, X]</c>: 1 where the pixel counts, 0 where it is ignored; null when every pixel counts.</summary>
    public Tensor? Valid { get; }

    /// <summary>The dense target <c>[N, C, X]</c> (one-hot, soft or binary); only when <see cref="HasClassIndices"/> is false.</summary>
    public Tensor Target => _target ?? throw new InvalidOperationException("The target is class indices: use Labels.");

    /// <summary>The number of valid pixels per sample, <c>[N, 1]</c>.</summary>
    public Tensor ValidCount { get; }

    /// <summary>Whether the target is class indices (then <see cref="Labels"/> is set, else <see cref="Target"/>).</summary>
    public bool HasClassIndices => Labels is not null;

    /// <summary>N.</summary>
    public long Samples { get; }

    /// <summary>C, the number of channels.</summary>
    public long Classes { get; }

    /// <summary>X, the number of spatial positions of one sample.</summary>
    public long Pixels { get; }

    /// <summary>The spatial shape of one sample (X is its product).</summary>
    public long[] SpatialShape { get; }

    /// <summary>
    /// Validates <paramref name="input"/> (<c>[N, C, *spatial]</c>, floating point) and <paramref name="target"/>
    /// (class indices <c>[N, *spatial]</c> or <c>[N, 1, *spatial]</c>, or dense <c>[N, C, *spatial]</c>) and flattens them.
    /// Throws <see cref="ArgumentException"/> naming the argument and what was expected.
    /// </summary>
    public static LossBatch Create(Tensor input, Tensor target, LossBatchOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(target);
        InputChecks.CheckInput(input, options);
        var shape = input.shape;
        var (n, c) = (shape[0], shape[1]);
        var x = TensorShapes.Product(shape[2..]);
        var computeType = TensorShapes.ComputeType(input.dtype);
        var flatInput = input.to_type(computeType).reshape(n, c, x);

        if (InputChecks.IsClassIndexTarget(input, target))
        {
            var (labels, valid) = InputChecks.ReadClassIndices(input, target, options.IgnoreIndex);
            var validCount = valid is null
                ? full(new long[] { n, 1 }, (double)x, computeType, input.device)
                : valid.sum(-1).to_type(computeType);
            return new LossBatch(flatInput, labels, valid?.to_type(computeType), null, validCount, shape[2..]);
        }

        var dense = InputChecks.ReadDenseTarget(input, target).to_type(computeType).reshape(n, c, x);
        return new LossBatch(flatInput, null, null, dense, full(new long[] { n, 1 }, (double)x, computeType, input.device), shape[2..]);
    }

    /// <summary>
    /// A per-class tensor (<c>[N, C, X]</c>, <c>[N, C, 1]</c>, or class weights <c>[C]</c>) at each pixel's true class:
    /// <c>[N, 1, X]</c>.
    /// </summary>
    public Tensor AtTrueClass(Tensor perClass)
    {
        var labels = RequireLabels();
        if (perClass.dim() == 1)
        {
            return perClass.index_select(0, labels.flatten()).view(Samples, 1, Pixels);
        }

        if (perClass.shape[^1] == 1 && Pixels != 1)
        {
            // One value per sample and class ([N, C, 1], a statistic's gradient): gathered without expanding it first.
            return perClass.view(Samples, Classes).gather(1, labels.view(Samples, Pixels)).view(Samples, 1, Pixels);
        }

        return perClass.gather(1, labels);
    }

    /// <summary>
    /// <c>log(1 - pt)</c> <c>[N, 1, X]</c> under a softmax, from the log-probabilities <c>[N, C, X]</c>: the logsumexp of
    /// the other classes (for class indices) or of <c>logp + log(1 - y)</c> (dense targets), exact even where pt
    /// rounds to 1, so powers of <c>1 - pt</c> keep finite gradients at saturated logits.
    /// </summary>
    public Tensor LogComplementAtTrueClass(Tensor logProbabilities)
    {
        return ScopedResult.Of(() =>
        {
            var others = HasClassIndices
                ? logProbabilities.scatter(1, Labels!, full(new long[] { Samples, 1, Pixels }, double.NegativeInfinity, logProbabilities.dtype, logProbabilities.device))
                : logProbabilities + (1 - Target).log();
            if (logProbabilities.requires_grad)
            {
                return others.logsumexp(1, keepdim: true);
            }

            // logsumexp's own steps (its maximum, set to 0 where infinite, subtracted, exp, sum, log, plus the
            // maximum), in place on the fresh others: one full-size tensor instead of three.
            var max = others.amax(new long[] { 1 }, keepdim: true);
            max.masked_fill_(max.abs().eq(double.PositiveInfinity), 0);
            return others.sub_(max).exp_().sum(1, keepdim: true).log_().add_(max);
        });
    }

    /// <summary>Sums <c>[N, k, X]</c> (k = C or 1; broadcastable shapes allowed) over the valid pixels: <c>[N, k]</c>.</summary>
    public Tensor SumPixels(Tensor values)
    {
        var expanded = Expand(values);
        return (Valid is null ? expanded : expanded * Valid).sum(-1);
    }

    /// <summary>
    /// Σc factor_c · Σx map_c over the valid pixels, <c>[N, 1]</c>: the same as <see cref="SumPixels(Tensor)"/> of
    /// <c>(factor · map).sum(1, keepdim: true)</c>, without the product at every pixel. The product is per class:
    /// <paramref name="map"/> <c>[N, C, X]</c> or <paramref name="factor"/> one value per class (<c>[1, C, 1]</c>,
    /// <c>[N, C, 1]</c>), or both.
    /// </summary>
    public Tensor SumPixelsOverClasses(Tensor map, Tensor factor)
    {
        ArgumentNullException.ThrowIfNull(factor);
        return (SumPixels(map).unsqueeze(-1) * factor).sum(1);
    }

    /// <summary>A constant summed over the valid pixels: <c>value * V</c>, as <c>[N, C]</c> or <c>[N, 1]</c>.</summary>
    public Tensor SumPixels(double value, bool perClass)
    {
        var sum = ValidCount * value;
        return perClass ? sum.expand(Samples, Classes) : sum;
    }

    /// <summary>
    /// Sums per-pixel values <c>[N, 1, X]</c> by the true class of each valid pixel: <c>[N, C]</c>
    /// (a segmented sum over sample-and-class ids; the one-hot product it replaces is never formed).
    /// </summary>
    public Tensor SumAtTrueClass(Tensor values)
    {
        var masked = Valid is null ? Expand(values) : Expand(values) * Valid;
        var sums = zeros(Samples * Classes, masked.dtype, masked.device);
        return sums.index_add(0, FlatIndex(), masked.reshape(-1), 1).view(Samples, Classes);
    }

    /// <summary>The number of valid pixels of each class: <c>[N, C]</c> (the sum of the one-hot target).</summary>
    public Tensor CountAtTrueClass()
    {
        if (Valid is not null)
        {
            return SumAtTrueClass(Valid);
        }

        return bincount(FlatIndex(), minlength: Samples * Classes).to_type(Input.dtype).view(Samples, Classes);
    }

    /// <summary>Zeros <c>[N, C]</c>: a per-class statistic that vanishes for one-hot targets.</summary>
    public Tensor ZeroPerClass() => zeros(new long[] { Samples, Classes }, Input.dtype, Input.device);

    /// <summary>
    /// The full per-class map <c>[N, C, X]</c> of a pixel expression for class-index targets: its value with y = 0 at
    /// every class, plus (scattered to each valid pixel's true class) the difference y = 1 makes there. Either part may
    /// be null (zero). No one-hot tensor is built.
    /// </summary>
    public Tensor Compose(Tensor? everyClass, Tensor? atTrueClass)
    {
        var full = everyClass is null
            ? zeros(new long[] { Samples, Classes, Pixels }, Input.dtype, Input.device)
            : everyClass.expand(Samples, Classes, Pixels).contiguous();
        if (atTrueClass is null)
        {
            return full;
        }

        var increment = Valid is null ? Expand(atTrueClass) : Expand(atTrueClass) * Valid;

        // In place on the fresh copy; a full-size every-class tensor is the caller's and is not written.
        return everyClass is not null && everyClass.shape.SequenceEqual(full.shape)
            ? full.scatter_add(1, RequireLabels(), increment)
            : full.scatter_add_(1, RequireLabels(), increment);
    }

    /// <summary>
    /// <see cref="Compose(Tensor?, Tensor?)"/> written into <paramref name="everyClass"/>, a full-size tensor the caller
    /// made for it and no longer needs (generated backward steps); any other shape takes <see cref="Compose(Tensor?, Tensor?)"/>.
    /// </summary>
    public Tensor ComposeInPlace(Tensor everyClass, Tensor? atTrueClass)
    {
        ArgumentNullException.ThrowIfNull(everyClass);
        if (atTrueClass is null || !everyClass.is_contiguous() || !everyClass.shape.SequenceEqual(new[] { Samples, Classes, Pixels }))
        {
            return Compose(everyClass, atTrueClass);
        }

        var increment = Valid is null ? Expand(atTrueClass) : Expand(atTrueClass) * Valid;
        return everyClass.scatter_add_(1, RequireLabels(), increment);
    }

    /// <inheritdoc cref="ComposeInPlace(Tensor, Tensor?)"/>
    public Tensor ComposeInPlace(Tensor everyClass, double atTrueClass) =>
        ComposeInPlace(everyClass, full(new long[] { Samples, 1, Pixels }, atTrueClass, Input.dtype, Input.device));

    /// <inheritdoc cref="Compose(Tensor?, Tensor?)"/>
    public Tensor Compose(Tensor? everyClass, double atTrueClass) =>
        Compose(everyClass, full(new long[] { Samples, 1, Pixels }, atTrueClass, Input.dtype, Input.device));

    /// <inheritdoc cref="Compose(Tensor?, Tensor?)"/>
    public Tensor Compose(double everyClass, Tensor? atTrueClass) =>
        Compose(full(new long[] { Samples, Classes, Pixels }, everyClass, Input.dtype, Input.device), atTrueClass);

    /// <summary>
    /// A distance map of the target, per class <c>[N, C, X]</c> in the compute type (constant for autograd):
    /// <paramref name="precomputed"/> (<c>[N, C, *spatial]</c>) when given, else computed exactly with the spacing.
    /// </summary>
    public Tensor DistanceMap(Distance.DistanceMapConvention convention, double[]? spacing, Tensor? precomputed)
    {
        if (precomputed is not null)
        {
            var expected = new[] { Samples, Classes }.Concat(SpatialShape).ToArray();
            if (!precomputed.shape.SequenceEqual(expected) || !TensorShapes.IsFloating(precomputed.dtype))
            {
                throw new ArgumentException(
                    $"distances must be a floating-point map {TensorShapes.Format(expected)} (one per class); got {precomputed.dtype} {TensorShapes.Format(precomputed)}.",
                    "distances");
            }

            return precomputed.detach().to_type(Input.dtype).reshape(Samples, Classes, Pixels);
        }

        var members = HasClassIndices
            ? RequireLabels().eq(arange(Classes, ScalarType.Int64, Input.device).view(1, -1, 1))
            : Target.gt(0.5);
        return Distances(members, convention, spacing);
    }

    /// <summary>The distance map of the thresholded prediction <c>p &gt; 0.5</c>, per class (constant for autograd).</summary>
    public Tensor PredictionDistanceMap(Tensor probabilities, Distance.DistanceMapConvention convention, double[]? spacing) =>
        Distances(probabilities.detach().gt(0.5), convention, spacing);

    private Tensor Distances(Tensor members, Distance.DistanceMapConvention convention, double[]? spacing)
    {
        if (spacing is not null && spacing.Length != SpatialShape.Length)
        {
            throw new ArgumentException($"spacing has {spacing.Length} entries but the input has {SpatialShape.Length} spatial axes.", nameof(spacing));
        }

        using var noGrad = no_grad();
        if (convention == Distance.DistanceMapConvention.SegLossOdysseyHausdorff)
        {
            // SegLossOdyssey calls scipy on img[b], (1, *spatial): for a mask without background the virtual point of
            // scipy's transform lies on that size-1 axis, sqrt(1 + Σ i_k²) (see AllForegroundPolicy.ScipyVirtualPoint).
            var withUnitAxis = new[] { Samples, Classes, 1L }.Concat(SpatialShape).ToArray();
            var unitSpacing = spacing is null ? null : new[] { 1.0 }.Concat(spacing).ToArray();
            var options = new Distance.EdtOptions { AllForeground = Distance.AllForegroundPolicy.ScipyVirtualPoint };
            var fields = Distance.DistanceMaps.Compute(members.expand(Samples, Classes, Pixels).reshape(withUnitAxis), SpatialShape.Length + 1, convention, unitSpacing, ScalarType.Float64, options);
            return fields.to_type(Input.dtype).to(Input.device).reshape(Samples, Classes, Pixels);
        }

        var spatial = new[] { Samples, Classes }.Concat(SpatialShape).ToArray();
        var maps = Distance.DistanceMaps.Compute(members.expand(Samples, Classes, Pixels).reshape(spatial), SpatialShape.Length, convention, spacing, ScalarType.Float64);
        return maps.to_type(Input.dtype).to(Input.device).reshape(Samples, Classes, Pixels);
    }

    /// <summary>Per-class values broadcast to <c>[N, C, X]</c>.</summary>
    public Tensor PerClass(Tensor values) => values.expand(Samples, Classes, Pixels);

    /// <summary>The soft skeleton (clDice) of per-class maps <c>[N, C, X]</c>, taken over the spatial shape.</summary>
    public Tensor SoftSkeleton(Tensor maps, double iterations)
    {
        var spatial = new[] { Samples, Classes }.Concat(SpatialShape).ToArray();
        var skeleton = Kernels.SoftSkeleton.Compute(PerClass(maps).reshape(spatial), (int)Math.Round(iterations));
        return skeleton.reshape(Samples, Classes, Pixels);
    }

    /// <summary>
    /// <c>lmean(e, window)</c>: the mean of per-class maps <c>[N, C, X]</c> over a centred box of <paramref name="window"/>
    /// pixels per spatial axis, clipped to the image and to the valid (not ignored) pixels.
    /// </summary>
    public Tensor LocalMean(Tensor maps, double window) =>
        Kernels.LocalStatistics.Mean(Spatial(PerClass(maps)), Window(window), SpatialValid()).reshape(Samples, Classes, Pixels);

    /// <summary><c>lstd(e, window)</c>: the standard deviation over the same window as <see cref="LocalMean"/>.</summary>
    public Tensor LocalDeviation(Tensor maps, double window) =>
        Kernels.LocalStatistics.StandardDeviation(Spatial(PerClass(maps)), Window(window), SpatialValid()).reshape(Samples, Classes, Pixels);

    /// <summary>
    /// <c>abovemax(e, beta)</c>: 1 where a per-class map <c>[N, C, X]</c> exceeds β times its largest value over the
    /// sample's valid pixels and channels, else 0 (ignored pixels 0); no gradient.
    /// </summary>
    public Tensor AboveMaximum(Tensor maps, double beta) => Kernels.MaximumSelection.Compute(PerClass(maps), beta, Valid);

    /// <summary>
    /// <c>contour(e)</c>: 1 at the pixels of the mask <c>e &gt; 0.5</c> of per-class maps <c>[N, C, X]</c> with a face
    /// neighbour outside it (see <see cref="Kernels.MaskContour"/>), else 0; ignored pixels 0; no gradient.
    /// </summary>
    public Tensor Contour(Tensor maps)
    {
        var contour = Kernels.MaskContour.Compute(Spatial(PerClass(maps))).reshape(Samples, Classes, Pixels);
        return Valid is null ? contour : contour * Valid;
    }

    private Tensor Spatial(Tensor maps) => maps.reshape(new[] { Samples, maps.shape[1] }.Concat(SpatialShape).ToArray());

    private Tensor? SpatialValid() => Valid is null ? null : Spatial(Valid);

    private static int Window(double window)
    {
        var rounded = Math.Round(window);
        return rounded == window && rounded is >= 1 and <= int.MaxValue && rounded % 2 == 1
            ? (int)rounded
            : throw new ArgumentOutOfRangeException(nameof(window), window, "expected an odd window of at least 1 pixel");
    }

    /// <summary>
    /// <c>mean32</c>: the mean of a per-class map <c>[N, C, X]</c> over the samples, the given classes and the pixels, as
    /// a float32 tensor's <c>mean()</c> computes it on the CPU (the sum in torch's order, see <see cref="SinglePrecisionSum"/>,
    /// divided in float32); <c>[1, 1]</c>, or per sample <c>[N, 1]</c> under <see cref="Reduction.None"/>. Its gradient is
    /// the float32 mean's, <c>float32(1/M)</c> per element.
    /// </summary>
    public Tensor SinglePrecisionMean(Tensor values, Tensor classes, Reduction reduction)
    {
        var selected = PerClass(values).index_select(1, classes);
        var valid = Valid?.expand(selected.shape);
        var perSample = reduction == Reduction.None;
        var rows = perSample ? Samples : 1;
        var flat = selected.reshape(rows, -1);
        var mask = valid?.reshape(rows, -1);
        var single = flat.to_type(ScalarType.Float32);
        var mean = (mask is null
            ? single.mean(new long[] { 1 }, keepdim: true)
            : (single * mask.to_type(ScalarType.Float32)).sum(new long[] { 1 }, keepdim: true) / mask.sum(new long[] { 1 }, keepdim: true).clamp_min(1).to_type(ScalarType.Float32)).to_type(flat.dtype);
        var emulated = SinglePrecisionRowMeans(flat, mask);

        // The value of the float32 accumulation, the gradient of the mean.
        var correction = tensor(emulated, new long[] { rows, 1 }, mean.dtype, mean.device) - mean.detach();
        return mean + correction;
    }

    /// <summary>
    /// Row means of <c>[R, W]</c> over the unmasked entries (0 for none), as a float32 tensor's <c>mean()</c> rounds them:
    /// the float32 sum in torch's order, divided in float32.
    /// </summary>
    private static double[] SinglePrecisionRowMeans(Tensor rows, Tensor? mask)
    {
        var data = rows.detach().to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        var weights = mask?.detach().to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        var (count, width) = ((int)rows.shape[0], (int)rows.shape[1]);
        var means = new double[count];
        var kept = new float[width];
        for (var r = 0; r < count; r++)
        {
            var included = 0;
            for (var i = r * width; i < (r + 1) * width; i++)
            {
                if (weights is null || weights[i] != 0)
                {
                    kept[included++] = (float)data[i];
                }
            }

            means[r] = included == 0 ? 0 : SinglePrecisionSum.TorchOrder(kept.AsSpan(0, included)) / (float)included;
        }

        return means;
    }

    /// <summary>The Hausdorff erosion map (Karimi and Salcudean) of per-class maps <c>[N, C, X]</c> over the spatial shape.</summary>
    public Tensor HausdorffErosion(Tensor maps, double erosions, double alpha)
    {
        var spatial = new[] { Samples, Classes }.Concat(SpatialShape).ToArray();
        return Kernels.HausdorffErosion.Compute(PerClass(maps).reshape(spatial), (int)Math.Round(erosions), alpha).reshape(Samples, Classes, Pixels);
    }

    /// <summary>
    /// The Lovász extension of the Jaccard loss of per-class errors <c>[N, C, X]</c> against each class's target
    /// (one-vs-rest), per sample <c>[N, C]</c> or over the whole batch <c>[1, C]</c>. <paramref name="incrementBits"/>
    /// 32 computes the Jaccard increments in float32 (as smp and SegLossOdyssey do), 64 in the compute type.
    /// </summary>
    public Tensor LovaszExtension(Tensor errors, bool pooled, double incrementBits = 64)
    {
        if (incrementBits is not (32 or 64))
        {
            throw new ArgumentOutOfRangeException(nameof(incrementBits), incrementBits, "lovasz(e, bits) takes 32 or 64 bits");
        }

        return Kernels.LovaszExtension.Compute(PerClass(errors), HasClassIndices ? RequireLabels() : Target, Valid, pooled, incrementBits == 32);
    }

    /// <summary>Per-pixel values broadcast to <c>[N, 1, X]</c> (for topk).</summary>
    public Tensor PerPixel(Tensor values) => values.expand(Samples, 1, Pixels);

    /// <summary>A constant per-pixel value as <c>[N, 1, X]</c>.</summary>
    public Tensor PerPixel(double value) => full(new long[] { Samples, 1, Pixels }, value, Input.dtype, Input.device);

    /// <summary>
    /// The mean of the largest <paramref name="percent"/>% of the valid per-pixel values <c>[N, 1, X]</c>, per sample
    /// (<c>[N, 1]</c>) or over the whole batch (<c>[1, 1]</c>). k = floor(valid pixels · percent / 100), as
    /// SegLossOdyssey's TopKLoss; k = 0 gives 0.
    /// </summary>
    public Tensor TopKMean(Tensor values, double percent, bool pooled)
    {
        LossArguments.Percent(percent, nameof(percent));
        var rows = pooled ? 1 : Samples;
        var flat = PerPixel(values).reshape(rows, -1);
        if (Valid is null)
        {
            var count = flat.shape[1];
            var k = (long)Math.Floor(count * percent / 100.0);
            if (k == 0)
            {
                return zeros(new long[] { rows, 1 }, flat.dtype, flat.device);
            }

            // On the CPU a radix selection (Kernels.TopKSelection); elsewhere libtorch's topk.
            return flat.device_type == DeviceType.CPU && flat.dtype is ScalarType.Float32 or ScalarType.Float64 && count <= int.MaxValue
                ? Kernels.TopKSelection.Mean(flat, k)
                : flat.topk((int)k, dim: 1).values.mean(new long[] { 1 }, keepdim: true);
        }

        // Ignored pixels sort last; each row keeps its own k of valid pixels.
        var valid = Valid.reshape(rows, -1);
        var sorted = flat.masked_fill(valid.eq(0), double.NegativeInfinity).sort(dim: 1, descending: true).Values;
        var counts = valid.sum(new long[] { 1 }, keepdim: true);
        var kPerRow = (counts * (percent / 100.0)).floor();
        var rank = arange(sorted.shape[1], sorted.dtype, sorted.device).view(1, -1);
        var kept = where(rank.lt(kPerRow), sorted, zeros_like(sorted)).sum(new long[] { 1 }, keepdim: true);
        return kept / kPerRow.clamp_min(1);
    }

    /// <summary>
    /// The class indices a per-class term averages over: all channels, or channels 1..C-1 without the background.
    /// </summary>
    public Tensor ClassIndices(bool includeBackground, string argumentName)
    {
        if (includeBackground)
        {
            return arange(Classes, ScalarType.Int64, Input.device);
        }

        if (Classes < 2)
        {
            throw new ArgumentException(
                $"{argumentName} = false leaves no class: the input has a single channel, and channel 0 is the background. " +
                "Set it to true for binary (single-channel sigmoid) segmentation.",
                argumentName);
        }

        return arange(1, Classes, ScalarType.Int64, Input.device);
    }

    /// <summary>The class weights <c>[C]</c> in the compute type on the input's device (all ones when null).</summary>
    public Tensor ClassWeights(double[]? weights, string argumentName)
    {
        if (weights is null)
        {
            return ones(Classes, Input.dtype, Input.device);
        }

        if (weights.Length != Classes)
        {
            throw new ArgumentException(
                $"{argumentName} has {weights.Length} entries but the input has {Classes} channels: give one weight per channel.",
                argumentName);
        }

        return tensor(weights, Input.dtype, Input.device);
    }

    private Tensor Expand(Tensor values) => values.expand(Samples, values.shape[1], Pixels);

    private Tensor RequireLabels() =>
        Labels ?? throw new InvalidOperationException("This statistic needs class indices, but the target is dense.");

    /// <summary>Sample-and-class ids <c>n·C + label</c> of every pixel, flattened: the segments of the class sums.</summary>
    /// <summary>The tensors a closed-form backward needs again (see <see cref="Restore"/>); nulls stand for absent ones.</summary>
    public Tensor?[] SavedForBackward() => new[] { Labels, Valid, _target, ValidCount };

    /// <summary>
    /// The batch as it was, in a closed-form backward: <paramref name="input"/> and the tensors of
    /// <see cref="SavedForBackward"/> as autograd kept them; the shapes come from <paramref name="original"/>, whose
    /// tensors are gone by then.
    /// </summary>
    public static LossBatch Restore(LossBatch original, Tensor input, System.Collections.Generic.IReadOnlyList<Tensor?> saved)
    {
        ArgumentNullException.ThrowIfNull(original);
        return new LossBatch(input, saved[0], saved[1], saved[2], saved[3]!, original.SpatialShape);
    }

    /// <summary>
    /// The gradient of <see cref="Input"/> from the closed form's <c>dL/dz</c> (broadcastable to <c>[N, C, X]</c>):
    /// zero at ignored pixels, full size.
    /// </summary>
    public Tensor InputGradient(Tensor gradient)
    {
        var masked = Valid is null ? gradient : gradient * Valid;
        return masked.shape.SequenceEqual(Input.shape) ? masked : masked.expand(Samples, Classes, Pixels).contiguous();
    }

    private Tensor FlatIndex()
    {
        if (_flatIndex is null)
        {
            var offsets = arange(0, Samples * Classes, Classes, ScalarType.Int64, Input.device).view(Samples, 1, 1);
            // Cached for the batch's lifetime: owned by the labels' scope, not by a statement's (see ScopedResult).
            _flatIndex = (RequireLabels() + offsets).reshape(-1).MoveToOtherDisposeScope(RequireLabels());
        }

        return _flatIndex;
    }
}
