using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>
/// The instances of one batch for blob loss, and the segmented sums that give every instance its own statistics in
/// one pass, whatever the number of instances (no loop over instances). One row per instance: sample n, class c
/// (one-vs-rest; a single-channel input's foreground is class 0), instance id.
/// </summary>
public sealed class BlobLayout
{
    // Integer constants up to this magnitude sum exactly in float32, in any order.
    private const double ExactIntegerSum = 1 << 24;

    private readonly LossBatch _batch;
    private readonly Tensor _memberIndex;       // [M] n·X + x of every valid instance voxel, ascending (pixel order)
    private readonly Tensor _memberSampleClass; // [M] n·C + c of each
    private readonly Tensor _memberRow;         // [M] row of each
    private readonly Tensor _rowSampleClass;    // [R] n·C + c of each row
    private readonly Tensor _rowSize;           // [R] valid voxels of each instance
    private readonly Tensor _memberCount;       // [N·C] instance voxels of each sample and class
    private readonly long _members;
    private readonly Dictionary<Tensor, (Tensor Rows, Tensor SampleClasses)> _segmentSums = new(ReferenceEqualityComparer.Instance);
    private Tensor? _memberClass;
    private Tensor? _inputIndex;

    private BlobLayout(LossBatch batch, Tensor memberIndex, Tensor memberSampleClass, Tensor memberRow, Tensor rowSample, Tensor rowClass, Tensor rowSize)
    {
        _batch = batch;
        _memberIndex = memberIndex;
        _memberSampleClass = memberSampleClass;
        _memberRow = memberRow;
        _members = memberIndex.numel();
        RowSample = rowSample;
        RowClass = rowClass;
        Rows = rowSample.numel();
        _rowSampleClass = rowSample * batch.Classes + rowClass;
        _rowSize = rowSize;
        _memberCount = zeros(batch.Samples * batch.Classes, rowSize.dtype, rowSize.device).index_add(0, _rowSampleClass, _rowSize, 1);
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
    /// <remarks>
    /// Only the instance voxels are kept (their flat indices in pixel order, with sample, class and row), so the sums
    /// of <see cref="Sum"/> and their gradients touch those voxels alone. Rows are the distinct
    /// (sample, class, id) keys of valid instance voxels in increasing order, numbered through a count table of the keys
    /// (a sort when ids are too large for one).
    /// </remarks>
    public static BlobLayout Create(LossBatch batch, Tensor? instances, int connectivityRank)
    {
        var c = batch.Classes;
        var labels = c == 1 ? null : batch.HasClassIndices ? batch.Labels! : batch.Target.argmax(1, keepdim: true);
        Tensor ids;
        Tensor? classes;
        BlobMembers.ClassSource source;
        if (instances is null && labels is null && batch.Valid is null && batch.Input.device_type == TorchSharp.DeviceType.CPU && BlobMembers.Enabled)
        {
            // A single channel's own components, every voxel valid: the labeling's runs are the members.
            return FromLayout(batch, InstancesOfTarget.Layout(batch, Foreground(batch), connectivityRank));
        }

        if (instances is null)
        {
            ids = InstancesOfTarget.Label(batch, labels is null ? Foreground(batch) : null, labels, connectivityRank);
            (classes, source) = labels is null ? (null, BlobMembers.ClassSource.All) : (labels, BlobMembers.ClassSource.Labels);
        }
        else
        {
            ids = ReadInstances(batch, instances);
            (classes, source) = labels is not null ? (labels, BlobMembers.ClassSource.Labels)
                : batch.HasClassIndices ? (Foreground(batch), BlobMembers.ClassSource.Mask)
                : (batch.Target, batch.Target.dtype == ScalarType.Float64 ? BlobMembers.ClassSource.AboveHalf64 : BlobMembers.ClassSource.AboveHalf32);
        }

        var valid = batch.Valid?.ne(0);
        var layout = BlobMembers.Supports(ids, classes, source, valid)
            ? BlobMembers.Find(ids, classes, source, valid, batch.Samples, c, batch.Pixels, batch.Input.dtype)
            : WithLibTorch(batch, ids, classes, source, valid, instances is not null);
        return FromLayout(batch, layout);
    }

    private static BlobLayout FromLayout(LossBatch batch, BlobMembers.Layout layout)
    {
        var c = batch.Classes;
        var rowSample = layout.RowKeys.div(c * layout.Span, rounding_mode: RoundingMode.floor);
        var rowClass = layout.RowKeys.div(layout.Span, rounding_mode: RoundingMode.floor).remainder(c);
        return new BlobLayout(batch, layout.MemberIndex, layout.MemberSampleClass, layout.MemberRow, rowSample, rowClass, layout.RowSize);
    }

    /// <summary><see cref="BlobMembers.Find"/> with tensor operations, for other devices and memory layouts.</summary>
    private static BlobMembers.Layout WithLibTorch(LossBatch batch, Tensor ids, Tensor? classes, BlobMembers.ClassSource source, Tensor? valid, bool given)
    {
        var (n, c, x) = (batch.Samples, batch.Classes, batch.Pixels);
        ids = ids.to_type(ScalarType.Int64).reshape(-1);
        if (given && ids.lt(0).any().item<bool>())
        {
            throw new ArgumentException("instances holds a negative id; use 0 for no instance.", "instances");
        }

        var member = ids.gt(0);
        var flatClasses = classes?.reshape(-1);
        member = source switch
        {
            BlobMembers.ClassSource.All => member,
            BlobMembers.ClassSource.Mask => member.logical_and_(flatClasses!),
            BlobMembers.ClassSource.Labels => member.logical_and_(flatClasses!.ne(0)),
            _ => member.logical_and_(flatClasses!.gt(0.5)),
        };
        if (valid is not null)
        {
            member = member.logical_and_(valid.reshape(-1));
        }

        var memberIndex = member.nonzero().view(-1);
        var memberIds = ids.index_select(0, memberIndex);
        var memberSample = memberIndex.div(x, rounding_mode: RoundingMode.floor);
        var memberSampleClass = source == BlobMembers.ClassSource.Labels ? memberSample * c + flatClasses!.index_select(0, memberIndex) : memberSample;

        // One key per (sample, class, id); the distinct keys in increasing order are the rows.
        var span = memberIds.numel() == 0 ? 1 : memberIds.max().item<long>() + 1;
        var dtype = batch.Input.dtype;
        if (span <= BlobMembers.MaxKeyTable / (n * c))
        {
            var keys = memberSampleClass * span + memberIds;
            var counts = bincount(keys, minlength: n * c * span);
            var present = counts.gt(0);
            var rowKeys = present.nonzero().view(-1);
            var memberRow = present.cumsum(0, ScalarType.Int64).sub_(1).index_select(0, keys);
            return new BlobMembers.Layout(memberIndex, memberSampleClass, memberRow, rowKeys, counts.index_select(0, rowKeys).to_type(dtype), span);
        }

        // Large ids: replaced by their ranks among the member ids (same order), then the keys sorted.
        var (distinct, rank, _) = memberIds.unique(sorted: true, return_inverse: true);
        span = distinct.numel() + 1;
        var (unique, inverse, sizes) = (memberSampleClass * span + rank! + 1).unique(sorted: true, return_inverse: true, return_counts: true);
        return new BlobMembers.Layout(memberIndex, memberSampleClass, inverse!, unique, sizes!.to_type(dtype), span);
    }

    /// <summary>A per-sample value <c>[N, 1]</c> for each instance: <c>[R, 1]</c>.</summary>
    public Tensor PerInstance(Tensor perSample) => perSample.index_select(0, RowSample);

    /// <summary>
    /// Where the instances' pixels lie in the input <c>[N, C, X]</c>: the flat index of every class at every instance
    /// voxel, <c>[1, C, M]</c> (class by class, the voxels in pixel order). The statistics node hands out the logits
    /// there, so the per-instance sums are computed on <c>M</c> pixels and their gradient is added at those pixels alone.
    /// </summary>
    public Tensor InputIndex => _inputIndex ??= MakeInputIndex();

    /// <summary>The logits at the instances' pixels, <c>[1, C, M]</c> (see <see cref="InputIndex"/>), through autograd.</summary>
    public Tensor Logits(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.reshape(-1).index_select(0, InputIndex.view(-1)).view(InputIndex.shape);
    }

    /// <summary>
    /// A statistic for every instance, <c>[R, C]</c> (the same value at every class; the term reads the instance's):
    /// the whole image's sum with y = 0 (<paramref name="whole"/>, the statistic of the whole target when the statistic
    /// does not read y there, <c>[N, C]</c>; null for 0), minus the class's instance voxels' values with y = 0
    /// (<paramref name="members"/>), plus this instance's voxels' values with y = 1 (<paramref name="atOne"/>), plus the
    /// masked value at the class's other instance voxels. The values are at the instances' pixels, <c>[1, C, M]</c>
    /// (or broadcastable, or a constant), each read at its instance's class.
    /// </summary>
    public Tensor Sum(Tensor? whole, InstanceValues members, InstanceValues atOne, double masked)
    {
        if (Rows == 0)
        {
            return zeros(new long[] { 0, _batch.Classes }, _batch.Input.dtype, _batch.Input.device);
        }

        var others = PerRow(MemberSum(members));
        var outside = whole is null ? -others : PerRow(whole.expand(_batch.Samples, _batch.Classes)) - others;
        var statistic = outside + InstanceSum(atOne) + (PerRow(_memberCount) - _rowSize) * masked;
        return statistic.view(Rows, 1).expand(Rows, _batch.Classes);
    }

    /// <summary>A value per sample and class (<c>[N·C]</c> or <c>[N, C]</c>) at each instance's: <c>[R]</c>.</summary>
    private Tensor PerRow(Tensor perSampleClass) => perSampleClass.reshape(-1).index_select(0, _rowSampleClass);

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

    /// <summary>The values over the instance voxels of each sample and class: <c>[N·C]</c>.</summary>
    private Tensor MemberSum(InstanceValues values) =>
        values.Tensor is { } tensor ? SegmentSums(tensor).SampleClasses
        : IsExact(values.Constant, _members) ? _memberCount * values.Constant
        : SegmentSum(Constant(values.Constant), _memberSampleClass, _batch.Samples * _batch.Classes);

    /// <summary>The values over the voxels of each instance: <c>[R]</c>.</summary>
    private Tensor InstanceSum(InstanceValues values) =>
        values.Tensor is { } tensor ? SegmentSums(tensor).Rows
        : IsExact(values.Constant, _members) ? _rowSize * values.Constant
        : SegmentSum(Constant(values.Constant), _memberRow, Rows);

    /// <summary>
    /// Segmented sums of the instance voxels' values <c>[M]</c>: one serial pass in pixel order, the order in which a
    /// sum over every pixel with zeros outside the instances would add them, so the value does not depend on that.
    /// </summary>
    private static Tensor SegmentSum(Tensor values, Tensor segments, long count) =>
        zeros(count, values.dtype, values.device).index_add(0, segments, values, 1);

    /// <summary>
    /// Values at the instances' pixels <c>[1, C, M]</c> (or broadcastable), each read at its instance's class and
    /// summed per instance (<c>[R]</c>) and per sample and class (<c>[N·C]</c>); once per tensor.
    /// </summary>
    private (Tensor Rows, Tensor SampleClasses) SegmentSums(Tensor values)
    {
        if (!_segmentSums.TryGetValue(values, out var sums))
        {
            var c = _batch.Classes;
            var perClass = values.expand(1, c, _members);
            var atClass = c == 1 ? perClass.reshape(_members) : perClass.gather(1, (_memberClass ??= _memberSampleClass.remainder(c)).view(1, 1, _members)).view(_members);
            var both = MemberSums.Of(atClass, _memberRow, _memberSampleClass, Rows, _batch.Samples * c);
            sums = (both.narrow(0, 0, Rows), both.narrow(0, Rows, _batch.Samples * c));
            _segmentSums[values] = sums;
        }

        return sums;
    }

    private Tensor MakeInputIndex()
    {
        var (c, x) = (_batch.Classes, _batch.Pixels);
        if (c == 1)
        {
            return _memberIndex.view(1, 1, _members);
        }

        // n·X + x becomes n·C·X + x, then one row per class.
        var sample = _memberIndex.div(x, rounding_mode: RoundingMode.floor);
        var first = _memberIndex + sample * ((c - 1) * x);
        return (arange(c, ScalarType.Int64, first.device).mul_(x).view(c, 1) + first.view(1, _members)).view(1, c, _members);
    }

    private Tensor Constant(double value) => full(_members, value, _batch.Input.dtype, _batch.Input.device);

    /// <summary>Whether a sum of up to <paramref name="terms"/> copies of an integer constant is exact in any order.</summary>
    private static bool IsExact(double value, long terms) =>
        value == Math.Round(value) && Math.Abs(value) * terms <= ExactIntegerSum;

    /// <summary>A single channel's foreground (class 0, where its instances lie), <c>[N, 1, X]</c> bool.</summary>
    private static Tensor Foreground(LossBatch batch) => batch.HasClassIndices ? batch.Labels!.eq(0) : AboveHalf.Of(batch.Target);

    private static Tensor ReadInstances(LossBatch batch, Tensor instances)
    {
        if (!TensorShapes.IsInteger(instances.dtype) || instances.shape[0] != batch.Samples || instances.numel() != batch.Samples * batch.Pixels)
        {
            throw new ArgumentException(
                $"instances must be an integer instance map [N, *spatial] or [N, 1, *spatial] with N = {batch.Samples} and spatial {TensorShapes.Format(batch.SpatialShape)}; got {instances.dtype} {TensorShapes.Format(instances)}.",
                nameof(instances));
        }

        // int32 and int64 ids are read as they are; a negative id is reported where the ids are scanned.
        var ids = instances.dtype is ScalarType.Int32 or ScalarType.Int64 ? instances : instances.to_type(ScalarType.Int64);
        return ids.reshape(batch.Samples, 1, batch.Pixels);
    }
}
