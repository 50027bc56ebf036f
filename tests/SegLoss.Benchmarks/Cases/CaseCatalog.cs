using System;
using System.Collections.Generic;
using System.Linq;
using SegLoss.Benchmarks.Quick;
using SegLoss.Runtime.Components;

namespace SegLoss.Benchmarks.Cases;

/// <summary>Every quick-mode case, in print order. Add a case by adding a line here.</summary>
public static class CaseCatalog
{
    public static IEnumerable<Func<BenchmarkCase>> All => LossCases.All.Concat(new Func<BenchmarkCase>[]
    {
        () => new BlobCase(30, given: false),
        () => new BlobCase(30, given: true),
        () => new BlobCase(300, given: false),
        () => new BlobCase(300, given: true),
        () => new LabelCases.Tensor3D(Connectivity.C26),
        () => new LabelCases.Tensor3D(Connectivity.C6),
        () => new LabelCases.Array3D(),
        () => new EdtCases.Edt2D512(anisotropic: false),
        () => new EdtCases.Edt2D512(anisotropic: true),
        () => new EdtCases.Edt3D128(anisotropic: false),
        () => new EdtCases.Edt3D128(anisotropic: true),
        () => new EdtCases.Edt3D256x256x128(anisotropic: false),
        () => new EdtCases.Edt3D256x256x128(anisotropic: true),
    });
}
