using System;
using System.Diagnostics;
using System.IO;
using SegLoss.Tests.Infrastructure;

namespace SegLoss.Tests.Packaging;

/// <summary>
/// The SegLoss package as users get it: packed from this build, consumed by a fresh project outside the repository
/// that references only SegLoss and TorchSharp-cpu. It compiles and runs declared losses, and a bad declaration shows
/// up as a compiler diagnostic.
/// </summary>
public sealed class PackageConsumerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("segloss-package-").FullName;
    private readonly string _version = "0.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        var cached = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages", "segloss", _version);
        if (Directory.Exists(cached))
        {
            Directory.Delete(cached, recursive: true);
        }
    }

    private static (int ExitCode, string Output) Dotnet(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    private string Consumer(string name, string program)
    {
        var feed = Path.Combine(_root, "feed");
        var (packed, packOutput) = Dotnet(TestPaths.Repository, "pack", "src/SegLoss.Runtime", "--no-build", "-c", TestPaths.Configuration, "-o", feed, $"-p:PackageVersion={_version}");
        Assert.True(packed == 0, packOutput);

        var project = Path.Combine(_root, name);
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(_root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="segloss-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(project, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <NoWarn>NU1603</NoWarn>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="SegLoss" Version="{_version}" />
                <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), program);
        return project;
    }

    [Fact]
    public void A_fresh_project_declares_and_runs_losses_from_the_package()
    {
        var project = Consumer("Consumer", """
            using System;
            using SegLoss;
            using static TorchSharp.torch;

            var logits = randn(2, 3, 16, 16, dtype: ScalarType.Float64, requires_grad: true);
            var target = randint(0, 3, new long[] { 2, 16, 16 }, dtype: ScalarType.Int64);
            using var compound = new DiceCE();
            using var custom = new MyTversky(alpha: 0.4);
            var loss = compound.call(logits, target) + custom.call(logits, target);
            loss.backward();
            Console.WriteLine(double.IsFinite(loss.item<double>()) && logits.grad!.isfinite().all().item<bool>() ? "SEGLOSS OK" : "SEGLOSS NOT FINITE");

            [SegLoss(Activation.Softmax, IncludeBackground = false)]
            [Dice]
            [CrossEntropy]
            public partial class DiceCE { }

            [SegLoss(Activation.Softmax)]
            [Term("1 - (TP + 1) / (TP + alpha*FP + (1 - alpha)*FN + 1)")]
            [Param("alpha", 0.3)]
            public partial class MyTversky { }
            """);

        var (exitCode, output) = Dotnet(project, "run", "-c", "Release");

        Assert.True(exitCode == 0, output);
        Assert.Contains("SEGLOSS OK", output);
    }

    [Fact]
    public void A_bad_declaration_is_a_compiler_diagnostic_in_the_consumer()
    {
        var project = Consumer("Broken", """
            using SegLoss;

            [SegLoss(Activation.Softmax)]
            [Term("1 - TP * p")]
            public partial class Mixed { }
            """);

        var (exitCode, output) = Dotnet(project, "build", "-c", "Release");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("error SEGL012", output);
    }
}
