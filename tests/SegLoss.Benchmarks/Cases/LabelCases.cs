using System;
using SegLoss.Benchmarks.Quick;
using SegLoss.Runtime.Components;
using static TorchSharp.torch;

namespace SegLoss.Benchmarks.Cases;

/// <summary>
/// Connected-component labeling of a 128³ mask of many overlapping balls (about half foreground, fixed seed): the tensor
/// API (bool <c>[1, 128, 128, 128]</c> to int64 labels) with 26- and 6-connectivity, and the array API (bytes to int32,
/// what scipy's <c>ndimage.label</c> returns) with 26-connectivity.
/// </summary>
public static class LabelCases
{
    public const int Side = 128;

    /// <summary>Balls of radius 2..8 at seeded random centres until half the voxels are foreground.</summary>
    public static byte[] Balls(int side, double fraction, int seed)
    {
        var random = new Random(seed);
        var mask = new byte[side * side * side];
        var foreground = 0L;
        while (foreground < fraction * mask.Length)
        {
            int cz = random.Next(side), cy = random.Next(side), cx = random.Next(side), r = random.Next(2, 9);
            for (var z = Math.Max(0, cz - r); z <= Math.Min(side - 1, cz + r); z++)
            {
                for (var y = Math.Max(0, cy - r); y <= Math.Min(side - 1, cy + r); y++)
                {
                    for (var x = Math.Max(0, cx - r); x <= Math.Min(side - 1, cx + r); x++)
                    {
                        var i = (z * side + y) * side + x;
                        if (mask[i] == 0 && (z - cz) * (z - cz) + (y - cy) * (y - cy) + (x - cx) * (x - cx) <= r * r)
                        {
                            mask[i] = 1;
                            foreground++;
                        }
                    }
                }
            }
        }

        return mask;
    }

    /// <summary>The tensor API on a bool mask <c>[1, 128, 128, 128]</c>.</summary>
    public sealed class Tensor3D : TimeCase
    {
        private readonly Connectivity _connectivity;
        private Tensor? _mask;

        public Tensor3D(Connectivity connectivity) => _connectivity = connectivity;

        public override string Name => $"label_3d_{Side}_c{_connectivity.NeighborCount(3)}";

        public override void Setup()
        {
            var balls = Balls(Side, 0.5, 2024);
            _mask = tensor(balls, new long[] { 1, Side, Side, Side }, ScalarType.Byte).to(ScalarType.Bool).DetachFromDisposeScope();
            var labeling = ConnectedComponents.Label(_mask, _connectivity);
            Console.Error.WriteLine($"{Name}: {labeling.Counts[0]} components, {balls.Length - labeling.Sizes[0][0]} foreground voxels of {balls.Length}");
            labeling.Labels.Dispose();
        }

        public override void Run()
        {
            using var scope = NewDisposeScope();
            ConnectedComponents.Label(_mask!, _connectivity);
        }

        public override void Dispose()
        {
            _mask?.Dispose();
            base.Dispose();
        }
    }

    /// <summary>The array API: bytes in, int32 labels out (scipy's output type).</summary>
    public sealed class Array3D : TimeCase
    {
        private byte[]? _mask;
        private int[]? _labels;

        public override string Name => $"label_3d_{Side}_c26_array";

        public override void Setup()
        {
            _mask = Balls(Side, 0.5, 2024);
            _labels = new int[_mask.Length];
        }

        public override void Run() => ConnectedComponents.Label(_mask, new[] { Side, Side, Side }, Connectivity.C26, _labels);
    }
}
