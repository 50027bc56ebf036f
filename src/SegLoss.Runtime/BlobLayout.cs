using System;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>
/// The instances of one batch for blob loss, and the segmented sums that give every instance its own statistics in
/// one pass, whatever the number of instances (no loop over instances). One row per instance: sample n, class c
/// (one-vs-rest; a single-channel input's foreground is class 0), instance id.
/// </summary>
public sealed class BlobLayout
{
    private readonly LossBatch _batch;
    private readonly Tensor _pixelRow;        // [N*X] row of each instance voxel (0 where none; use with _member)
    private readonly Tensor _pixelClass;      // [N, 1, X] class of each instance voxel (0 elsewhere)
    private readonly Tensor _member;          // [N, 1, X] 1 on valid instance voxels
    private readonly Tensor _rowSampleClass;  // [R] n·C + c of each row
    private readonly Tensor _rowSize;         // [R] valid voxels of each instance
    private readonly Tensor _memberCount;     // [N·C] instance voxels of each sample and class

    private BlobLayout(LossBatch batch, Tensor pixelRow, Tensor pixelClass, Tensor member, Tensor rowSample, Tensor rowClass, long rows)
    {
        _batch = batch;
        _pixelRow = pixelRow;
        _pixelClass = pixelClass;
        _member = member;
        RowSample = rowSample;
        RowClass = rowClass;
        Rows = rows;
        _rowSampleClass = rowSample * batch.Classes + rowClass;
        _rowSize = rows == 0
            ? zeros(0, member.dtype, member.device)
            : zeros(rows, member.dtype, member.device).index_add(0, pixelRow, member.reshape(-1), 1);
        _memberCount = zeros(batch.Samples * batch.Classes, member.dtype, member.device).index_add(0, _rowSampleClass, _rowSize, 1);
    }

    /// <summary>The number of instances in the batch.</summary>
    public long Rows { get; }

    /// <summary>The sample of each instance, <c>[R]</c>.</summary>
    public Tensor RowSample { get; }

    /// <summary>The class of each instance, <c>[R]</c>.</summary>
    public Tensor RowClass { get; }

    /// <summary>
    /// The instances of <paramref name="batch"/>: from <paramref name="instances"/> (an instance map <c>[N, *spatial]</c>
    /// or <c>[N, 1, *spatial]</c>, 0 for none; an instance's class is the target's class at its voxels), or else the
    /// connected components of each foreground class of the target with the given connectivity rank (1 faces, 2 edges,
    /// 3 corners).
    /// </summary>
    public static BlobLayout Create(LossBatch batch, Tensor? instances, int connectivityRank)
    {
        var classes = ClassOfPixels(batch);
        var ids = instances is null
            ? InstancesOfTarget.Label(batch, classes, connectivityRank)
            : ReadInstances(batch, instances);

        // One key per (sample, class, id) of the valid instance voxels; their unique values are the rows.
        var valid = batch.Valid is null ? ones_like(ids, ScalarType.Bool) : batch.Valid.ne(0);
        var member = ids.gt(0).logical_and(classes.ge(0)).logical_and(valid);
        var pixelClass = classes.clamp_min(0).masked_fill(member.logical_not(), 0);
        var span = ids.max().item<long>() + 1;
        var sample = arange(batch.Samples, ScalarType.Int64, ids.device).view(-1, 1, 1);
        var keys = ((sample * batch.Classes + pixelClass) * span + ids).masked_fill(member.logical_not(), -1).reshape(-1);
        var (unique, inverseIndices, _) = keys.unique(sorted: true, return_inverse: true);
        var inverse = inverseIndices!;
        var hasNone = unique.numel() > 0 && unique[0].item<long>() < 0;
        var rowKeys = hasNone ? unique[1..] : unique;
        var pixelRow = hasNone ? (inverse - 1).clamp_min(0) : inverse;
        var rowSample = rowKeys.div(batch.Classes * span, rounding_mode: RoundingMode.floor);
        var rowClass = rowKeys.div(span, rounding_mode: RoundingMode.floor).remainder(batch.Classes);
        return new BlobLayout(batch, pixelRow, pixelClass, member.to_type(batch.Input.dtype), rowSample, rowClass, rowKeys.numel());
    }

    /// <summary>A per-sample value <c>[N, 1]</c> for each instance: <c>[R, 1]</c>.</summary>
    public Tensor PerInstance(Tensor perSample) => perSample.index_select(0, RowSample);

    /// <summary>
    /// A statistic for every instance, <c>[R, C]</c> (the same value at every class; the term reads the instance's):
    /// the whole image's sum with y = 0, minus the class's instance voxels, plus this instance's voxels with y = 1, plus
    /// the masked value at the class's other instance voxels.
    /// </summary>
    public Tensor Sum(Tensor everyClass, Tensor atOne, double masked) => Combine(everyClass, atOne, masked);

    /// <inheritdoc cref="Sum(Tensor, Tensor, double)"/>
    public Tensor Sum(double everyClass, Tensor atOne, double masked) => Combine(Constant(everyClass), atOne, masked);

    /// <inheritdoc cref="Sum(Tensor, Tensor, double)"/>
    public Tensor Sum(Tensor everyClass, double atOne, double masked) => Combine(everyClass, Constant(atOne), masked);

    /// <inheritdoc cref="Sum(Tensor, Tensor, double)"/>
    public Tensor Sum(double everyClass, double atOne, double masked) => Combine(Constant(everyClass), Constant(atOne), masked);

    /// <summary>
    /// Blob loss's value of a term from its per-instance, per-class values <c>[R, C]</c> (read at each instance's class):
    /// the mean over the instances of a class, then over the classes with instances, per sample; then the mean over the
    /// samples that have instances (0 when none has), or per sample under <see cref="Reduction.None"/> (0 without
    /// instances).
    /// </summary>
    public Tensor Reduce(Tensor perClass, Reduction reduction)
    {
        var n = _batch.Samples;
        var c = _batch.Classes;
        var dtype = _batch.Input.dtype;
        var device = _batch.Input.device;
        if (Rows == 0)
        {
            return reduction == Reduction.None ? zeros(n, dtype, device) : zeros(Array.Empty<long>(), dtype, device);
        }

        var values = perClass.expand(Rows, c).gather(1, RowClass.view(-1, 1)).view(Rows);
        var classSums = zeros(n * c, values.dtype, device).index_add(0, _rowSampleClass, values, 1);
        var classCounts = zeros(n * c, values.dtype, device).index_add(0, _rowSampleClass, ones_like(values), 1);
        var classMeans = (classSums / classCounts.clamp_min(1)).view(n, c);
        var classesWithInstances = classCounts.gt(0).to_type(values.dtype).view(n, c);
        var instanceClasses = classesWithInstances.sum(new long[] { 1 });
        var perSample = (classMeans * classesWithInstances).sum(new long[] { 1 }) / instanceClasses.clamp_min(1);
        if (reduction == Reduction.None)
        {
            return perSample;
        }

        var samplesWithInstances = instanceClasses.gt(0).to_type(values.dtype).sum();
        var mean = perSample.sum() / samplesWithInstances.clamp_min(1);
        return reduction == Reduction.Sum ? mean * n : mean;
    }

    private Tensor Constant(double value) =>
        full(new long[] { _batch.Samples, _batch.Classes, _batch.Pixels }, value, _batch.Input.dtype, _batch.Input.device);

    private Tensor Combine(Tensor everyClass, Tensor atOne, double masked)
    {
        if (Rows == 0)
        {
            return zeros(new long[] { 0, _batch.Classes }, _batch.Input.dtype, _batch.Input.device);
        }

        var shape = new[] { _batch.Samples, _batch.Classes, _batch.Pixels };
        var whole = _batch.SumPixels(everyClass).reshape(-1);
        var atZero = everyClass.expand(shape).gather(1, _pixelClass) * _member;
        var members = zeros(_batch.Samples * _batch.Classes, atZero.dtype, atZero.device)
            .index_add(0, SampleClassOfPixels(), atZero.reshape(-1), 1);
        var inside = (atOne.expand(shape).gather(1, _pixelClass) * _member).reshape(-1);
        var instance = zeros(Rows, inside.dtype, inside.device).index_add(0, _pixelRow, inside, 1);
        var statistic = whole.index_select(0, _rowSampleClass) - members.index_select(0, _rowSampleClass) + instance
            + (_memberCount.index_select(0, _rowSampleClass) - _rowSize) * masked;
        return statistic.view(Rows, 1).expand(Rows, _batch.Classes);
    }

    private Tensor SampleClassOfPixels()
    {
        var sample = arange(_batch.Samples, ScalarType.Int64, _pixelClass.device).view(-1, 1, 1) * _batch.Classes;
        return (sample + _pixelClass).reshape(-1);
    }

    /// <summary>The class of each pixel (-1 for background of a multi-class target): <c>[N, 1, X]</c>.</summary>
    private static Tensor ClassOfPixels(LossBatch batch)
    {
        if (batch.Classes == 1)
        {
            // One channel: its foreground is class 0, and blob instances lie in it.
            var foreground = batch.HasClassIndices ? batch.Labels!.eq(0) : batch.Target.gt(0.5);
            return where(foreground, zeros_like(foreground, ScalarType.Int64), full_like(foreground, -1L, ScalarType.Int64));
        }

        var labels = batch.HasClassIndices ? batch.Labels! : batch.Target.argmax(1, keepdim: true);
        return labels.masked_fill(labels.eq(0), -1);
    }

    private static Tensor ReadInstances(LossBatch batch, Tensor instances)
    {
        if (!TensorShapes.IsInteger(instances.dtype) || instances.shape[0] != batch.Samples || instances.numel() != batch.Samples * batch.Pixels)
        {
            throw new ArgumentException(
                $"instances must be an integer instance map [N, *spatial] or [N, 1, *spatial] with N = {batch.Samples} and spatial {TensorShapes.Format(batch.SpatialShape)}; got {instances.dtype} {TensorShapes.Format(instances)}.",
                nameof(instances));
        }

        var ids = instances.to_type(ScalarType.Int64).reshape(batch.Samples, 1, batch.Pixels);
        if (ids.lt(0).any().item<bool>())
        {
            throw new ArgumentException("instances holds a negative id; use 0 for no instance.", nameof(instances));
        }

        return ids;
    }
}
