using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
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
    private readonly Dictionary<Tensor, Tensor> _wholes = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Tensor, Tensor> _segmentSums = new(ReferenceEqualityComparer.Instance);
    private Tensor? _memberFlatIndex;

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
    /// of <see cref="Sum(Tensor, Tensor, double)"/> and their gradients touch those voxels alone. Rows are the distinct
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
    /// A statistic for every instance, <c>[R, C]</c> (the same value at every class; the term reads the instance's):
    /// the whole image's sum with y = 0, minus the class's instance voxels, plus this instance's voxels with y = 1, plus
    /// the masked value at the class's other instance voxels.
    /// </summary>
    public Tensor Sum(Tensor everyClass, Tensor atOne, double masked) =>
        Combine(Whole(everyClass), MemberSum(everyClass), InstanceSum(atOne), masked);

    /// <inheritdoc cref="Sum(Tensor, Tensor, double)"/>
    public Tensor Sum(double everyClass, Tensor atOne, double masked) =>
        Combine(Whole(everyClass), MemberSum(everyClass), InstanceSum(atOne), masked);

    /// <inheritdoc cref="Sum(Tensor, Tensor, double)"/>
    public Tensor Sum(Tensor everyClass, double atOne, double masked) =>
        Combine(Whole(everyClass), MemberSum(everyClass), InstanceSum(atOne), masked);

    /// <inheritdoc cref="Sum(Tensor, Tensor, double)"/>
    public Tensor Sum(double everyClass, double atOne, double masked) =>
        Combine(Whole(everyClass), MemberSum(everyClass), InstanceSum(atOne), masked);

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

    /// <summary>
    /// The statistic of every row from the whole image's sum with y = 0 (<c>[N·C]</c>), the sum of the same values over
    /// the instance voxels of each sample and class (<c>[N·C]</c>) and the sum with y = 1 over each instance (<c>[R]</c>).
    /// </summary>
    private Tensor Combine(Func<Tensor> whole, Func<Tensor> members, Func<Tensor> instance, double masked)
    {
        if (Rows == 0)
        {
            return zeros(new long[] { 0, _batch.Classes }, _batch.Input.dtype, _batch.Input.device);
        }

        var statistic = whole().index_select(0, _rowSampleClass) - members().index_select(0, _rowSampleClass) + instance()
            + (_memberCount.index_select(0, _rowSampleClass) - _rowSize) * masked;
        return statistic.view(Rows, 1).expand(Rows, _batch.Classes);
    }

    /// <summary>The sum of <c>[N, C, X]</c> values (or broadcastable) over the valid pixels: <c>[N·C]</c>, once per tensor.</summary>
    private Func<Tensor> Whole(Tensor everyClass) => () => Cached(_wholes, everyClass, () => _batch.SumPixels(everyClass).reshape(-1));

    /// <summary>A constant's sum over the valid pixels: exact from the pixel counts when every partial sum is exact.</summary>
    private Func<Tensor> Whole(double everyClass) => () =>
        IsExact(everyClass, _batch.Pixels)
            ? (_batch.ValidCount * everyClass).expand(_batch.Samples, _batch.Classes).reshape(-1)
            : _batch.SumPixels(full(new long[] { _batch.Samples, _batch.Classes, _batch.Pixels }, everyClass, _batch.Input.dtype, _batch.Input.device)).reshape(-1);

    /// <summary>The sum of values over the instance voxels of each sample and class: <c>[N·C]</c>, once per tensor.</summary>
    private Func<Tensor> MemberSum(Tensor everyClass) => () => SegmentSums(everyClass).narrow(0, Rows, _batch.Samples * _batch.Classes);

    /// <inheritdoc cref="MemberSum(Tensor)"/>
    private Func<Tensor> MemberSum(double everyClass) => () =>
        IsExact(everyClass, _members)
            ? _memberCount * everyClass
            : SegmentSum(Constant(everyClass), _memberSampleClass, _batch.Samples * _batch.Classes);

    /// <summary>The sum of values over the voxels of each instance: <c>[R]</c>, once per tensor.</summary>
    private Func<Tensor> InstanceSum(Tensor atOne) => () => SegmentSums(atOne).narrow(0, 0, Rows);

    /// <inheritdoc cref="InstanceSum(Tensor)"/>
    private Func<Tensor> InstanceSum(double atOne) => () =>
        IsExact(atOne, _members) ? _rowSize * atOne : SegmentSum(Constant(atOne), _memberRow, Rows);

    /// <summary>
    /// Segmented sums of the instance voxels' values <c>[M]</c>: one serial pass in pixel order, the order in which a
    /// sum over every pixel with zeros outside the instances would add them, so the value does not depend on that.
    /// </summary>
    private static Tensor SegmentSum(Tensor values, Tensor segments, long count) =>
        zeros(count, values.dtype, values.device).index_add(0, segments, values, 1);

    /// <summary>
    /// A per-class tensor's sums at the instance voxels (each at its instance's class), once per tensor: per instance,
    /// then per sample and class, <c>[R + N·C]</c>. Contiguous float32/float64 CPU tensors take one pass over the
    /// members (<see cref="SegmentSumsFunction"/>); others gather the members' values and add them by index. Either way
    /// the gradient touches the instance voxels alone.
    /// </summary>
    private Tensor SegmentSums(Tensor values) => Cached(_segmentSums, values, () =>
    {
        var (n, c, x) = (_batch.Samples, _batch.Classes, _batch.Pixels);
        var perClass = values.dim() == 3 && values.shape[0] == n && values.shape[1] == 1 && values.shape[2] == x ? values : values.expand(n, c, x);
        var flatIndex = perClass.shape[1] == 1
            ? _memberIndex
            : _memberFlatIndex ??= _memberIndex + (_memberSampleClass - _memberIndex.div(x, rounding_mode: RoundingMode.floor)) * x;
        if (perClass.device_type == TorchSharp.DeviceType.CPU && perClass.dtype is ScalarType.Float32 or ScalarType.Float64 && BlobMembers.Enabled)
        {
            return SegmentSumsFunction.apply(perClass.contiguous(), flatIndex, _memberRow, _memberSampleClass, Rows, n * c);
        }

        var gathered = perClass.reshape(-1).index_select(0, flatIndex);
        return cat(new[] { SegmentSum(gathered, _memberRow, Rows), SegmentSum(gathered, _memberSampleClass, n * c) });
    });

    private Tensor Constant(double value) => full(_members, value, _batch.Input.dtype, _batch.Input.device);

    /// <summary>Whether a sum of up to <paramref name="terms"/> copies of an integer constant is exact in any order.</summary>
    private static bool IsExact(double value, long terms) =>
        value == Math.Round(value) && Math.Abs(value) * terms <= ExactIntegerSum;

    private static Tensor Cached(Dictionary<Tensor, Tensor> cache, Tensor key, Func<Tensor> compute)
    {
        if (!cache.TryGetValue(key, out var value))
        {
            value = compute();
            cache[key] = value;
        }

        return value;
    }

    /// <summary>A single channel's foreground (class 0, where its instances lie), <c>[N, 1, X]</c> bool.</summary>
    private static Tensor Foreground(LossBatch batch) => batch.HasClassIndices ? batch.Labels!.eq(0) : batch.Target.gt(0.5);

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

    /// <summary>
    /// <see cref="SegmentSums"/> on the CPU: the sums in one serial pass over the members in pixel order (index_add's
    /// order, so the values are the same), and a backward that writes each member voxel's gradient (its instance's
    /// plus its sample-and-class's) into one zero tensor, in parallel.
    /// </summary>
    private sealed class SegmentSumsFunction : autograd.SingleTensorFunction<SegmentSumsFunction>
    {
        private const int ChunkMembers = 1 << 14;

        public override string Name => "SegLoss.BlobSegmentSums";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var values = (Tensor)vars[0];
            var flatIndex = (Tensor)vars[1];
            var rowOf = (Tensor)vars[2];
            var segmentOf = (Tensor)vars[3];
            var rows = (long)vars[4];
            var sums = zeros(rows + (long)vars[5], values.dtype);
            if (flatIndex.numel() > 0)
            {
                if (values.dtype == ScalarType.Float32)
                {
                    Sum<float>(values, flatIndex, rowOf, segmentOf, rows, sums);
                }
                else
                {
                    Sum<double>(values, flatIndex, rowOf, segmentOf, rows, sums);
                }
            }

            ctx.save_for_backward(new List<Tensor> { flatIndex, rowOf, segmentOf });
            ctx.save_data("shape", values.shape);
            ctx.save_data("rows", rows);
            return sums;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var saved = ctx.get_saved_variables();
            var gradient = zeros((long[])ctx.get_data("shape"), grad_output.dtype);
            if (saved[0].numel() > 0)
            {
                var perSum = grad_output.contiguous();
                if (perSum.dtype == ScalarType.Float32)
                {
                    Scatter<float>(perSum, saved[0], saved[1], saved[2], (long)ctx.get_data("rows"), gradient);
                }
                else
                {
                    Scatter<double>(perSum, saved[0], saved[1], saved[2], (long)ctx.get_data("rows"), gradient);
                }
            }

            return new List<Tensor> { gradient, null!, null!, null!, null!, null! };
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Sum<T>(Tensor values, Tensor flatIndex, Tensor rowOf, Tensor segmentOf, long rows, Tensor sums)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var value = TensorMemory.Address<T>(values);
            var index = TensorMemory.Address<long>(flatIndex);
            var row = TensorMemory.Address<long>(rowOf);
            var segment = TensorMemory.Address<long>(segmentOf);
            var sum = TensorMemory.Address<T>(sums);
            var members = flatIndex.numel();

            // Consecutive members mostly share their instance: the running sums stay in registers until it changes
            // (the same additions in the same order as adding into memory).
            var (currentRow, currentSegment) = (row[0], rows + segment[0]);
            var (rowSum, segmentSum) = (sum[currentRow], sum[currentSegment]);
            for (long m = 0; m < members; m++)
            {
                var v = value[index[m]];
                if (row[m] != currentRow)
                {
                    sum[currentRow] = rowSum;
                    currentRow = row[m];
                    rowSum = sum[currentRow];
                }

                if (rows + segment[m] != currentSegment)
                {
                    sum[currentSegment] = segmentSum;
                    currentSegment = rows + segment[m];
                    segmentSum = sum[currentSegment];
                }

                rowSum += v;
                segmentSum += v;
            }

            sum[currentRow] = rowSum;
            sum[currentSegment] = segmentSum;
        }

        private static unsafe void Scatter<T>(Tensor perSum, Tensor flatIndex, Tensor rowOf, Tensor segmentOf, long rows, Tensor gradient)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (source, index, row, segment, target) = ((nint)TensorMemory.Address<T>(perSum), (nint)TensorMemory.Address<long>(flatIndex), (nint)TensorMemory.Address<long>(rowOf), (nint)TensorMemory.Address<long>(segmentOf), (nint)TensorMemory.Address<T>(gradient));
            var members = flatIndex.numel();
            Parallel.For(0, (int)((members + ChunkMembers - 1) / ChunkMembers), chunk => ScatterChunk<T>((T*)source, (long*)index, (long*)row, (long*)segment, rows, (T*)target, (long)chunk * ChunkMembers, Math.Min(members, ((long)chunk + 1) * ChunkMembers)));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void ScatterChunk<T>(T* perSum, long* index, long* row, long* segment, long rows, T* gradient, long begin, long end)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (var m = begin; m < end; m++)
            {
                gradient[index[m]] = perSum[row[m]] + perSum[rows + segment[m]];
            }
        }
    }
}
