using System.Linq;
using SegLoss.Benchmarks.Quick;
using SegLoss.Runtime.Distance;
using static TorchSharp.torch;

namespace SegLoss.Benchmarks.Cases;

/// <summary>
/// The exact distance transform through the tensor API, as scipy's <c>distance_transform_edt</c> is called: a bool
/// mask of ellipsoid blobs (about half foreground, <see cref="BlobMasks"/>) to float64 distances, a fresh result per
/// run; isotropic, and anisotropic with the last axis 2.5 times coarser.
/// </summary>
public static class EdtCases
{
    public abstract class Edt : TimeCase
    {
        private readonly int[] _shape;
        private readonly double[] _spacing;
        private readonly string _name;
        private Tensor? _mask;

        protected Edt(string name, int[] shape, bool anisotropic)
        {
            _shape = shape;
            _spacing = shape.Select((_, k) => anisotropic && k == shape.Length - 1 ? 2.5 : 1.0).ToArray();
            _name = "edt_" + name + (anisotropic ? "_aniso" : "");
        }

        public override string Name => _name;

        public override void Setup()
        {
            var (radiusMin, radiusMax) = _shape.Length == 2 ? (4.0, 32.0) : (4.0, 16.0);
            var mask = BlobMasks.Generate(_shape, 20260101, radiusMin, radiusMax);
            _mask = tensor(mask, _shape.Select(n => (long)n).ToArray()).to(ScalarType.Bool).DetachFromDisposeScope();
        }

        public override void Run()
        {
            using var scope = NewDisposeScope();
            EuclideanDistanceTransform.Compute(_mask!, _shape.Length, _spacing, ScalarType.Float64);
        }

        public override void Dispose()
        {
            _mask?.Dispose();
            base.Dispose();
        }
    }

    public sealed class Edt2D512 : Edt
    {
        public Edt2D512(bool anisotropic)
            : base("2d_512", new[] { 512, 512 }, anisotropic)
        {
        }
    }

    public sealed class Edt3D128 : Edt
    {
        public Edt3D128(bool anisotropic)
            : base("3d_128", new[] { 128, 128, 128 }, anisotropic)
        {
        }
    }

    public sealed class Edt3D256x256x128 : Edt
    {
        public Edt3D256x256x128(bool anisotropic)
            : base("3d_256x256x128", new[] { 256, 256, 128 }, anisotropic)
        {
        }
    }
}
