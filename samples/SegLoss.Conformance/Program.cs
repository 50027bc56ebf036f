using System;
using System.IO;
using System.Linq;
using SegLoss.Conformance;

// dotnet run --project samples/SegLoss.Conformance -c Release -- FOLDER [FOLDER...]
if (args.Length == 0 || args.Any(a => a is "-h" or "--help"))
{
    Console.WriteLine("usage: SegLoss.Conformance FOLDER [FOLDER...]");
    Console.WriteLine("Checks every *.json golden file below the folders; prints PASS/FAIL/UNSUPPORTED per file and a summary.");
    Console.WriteLine("SEGLOSS_DUMP_GENERATED=FOLDER writes the generated loss sources there.");
    return args.Length == 0 ? 2 : 0;
}

var missing = args.Where(a => !Directory.Exists(a)).ToList();
if (missing.Count > 0)
{
    Console.Error.WriteLine("not a folder: " + string.Join(", ", missing));
    return 2;
}

var outcomes = ConformanceRunner.Run(args);
foreach (var outcome in outcomes)
{
    Console.WriteLine(outcome);
}

var failed = outcomes.Count(o => o.Status == "FAIL");
Console.WriteLine($"{outcomes.Count(o => o.Status == "PASS")} passed, {failed} failed, {outcomes.Count(o => o.Status == "UNSUPPORTED")} unsupported");
return failed > 0 ? 1 : 0;
