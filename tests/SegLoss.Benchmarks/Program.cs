using System;
using System.Linq;
using BenchmarkDotNet.Running;
using SegLoss.Benchmarks.Cases;
using SegLoss.Benchmarks.Quick;

// Quick mode: dotnet run --project tests/SegLoss.Benchmarks -c Release -- --quick [filter]
// Full runs:  dotnet run --project tests/SegLoss.Benchmarks -c Release -- [BenchmarkDotNet arguments]
if (args.Length > 0 && args[0] == "--quick")
{
    return QuickRunner.Run(CaseCatalog.All, args.Length > 1 ? args[1] : null);
}

BenchmarkSwitcher.FromAssembly(typeof(CaseCatalog).Assembly).Run(args);
return 0;
