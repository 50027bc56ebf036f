using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace SegLoss.Tests.Infrastructure;

/// <summary>
/// Verified/received snapshot files with Verify's conventions: <c>{Class}.{Method}.verified.{ext}</c> beside the tests;
/// on a mismatch <c>.received.{ext}</c> is written next to it and the test fails. Set SEGLOSS_ACCEPT_SNAPSHOTS=1 to
/// accept the received text as verified.
/// </summary>
public static class Snapshot
{
    public static void Verify(string actual, string extension = "cs", [CallerFilePath] string callerFile = "", [CallerMemberName] string method = "", string? name = null)
    {
        var className = Path.GetFileNameWithoutExtension(callerFile);
        var stem = Path.Combine(TestPaths.Snapshots, $"{className}.{name ?? method}");
        var verified = $"{stem}.verified.{extension}";
        var received = $"{stem}.received.{extension}";
        actual = Normalize(actual);
        if (File.Exists(verified) && Normalize(File.ReadAllText(verified)) == actual)
        {
            File.Delete(received);
            return;
        }

        Directory.CreateDirectory(TestPaths.Snapshots);
        if (Environment.GetEnvironmentVariable("SEGLOSS_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(verified, actual);
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, actual);
        Assert.Fail(File.Exists(verified)
            ? $"Snapshot mismatch: compare {received} with {verified} (set SEGLOSS_ACCEPT_SNAPSHOTS=1 to accept)."
            : $"No verified snapshot yet: review {received} and rename it to {Path.GetFileName(verified)} (or set SEGLOSS_ACCEPT_SNAPSHOTS=1).");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd() + "\n";
}
