using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.Byol.Tests.Reliability;

namespace Microsoft.ML.Byol.Tests.Torch;

public sealed class FastAllocatorTests
{
    private const string Jemalloc = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";

    [Theory]
    [InlineData(true, "glibc", null, null, Jemalloc, "Relaunch")]
    [InlineData(false, "other", null, null, Jemalloc, "NotLinux")]
    [InlineData(true, "jemalloc", null, null, Jemalloc, "AlreadyFast")]
    [InlineData(true, "tcmalloc", null, null, Jemalloc, "AlreadyFast")]
    [InlineData(true, "glibc", "0", null, Jemalloc, "OptedOut")]
    [InlineData(true, "glibc", "1", null, Jemalloc, "Relaunch")]
    [InlineData(true, "glibc", null, "1", Jemalloc, "AlreadyRelaunched")]   // the preload failed: never loop
    [InlineData(true, "glibc", null, null, null, "NotInstalled")]
    public void DecidesFromWhatItObserves(bool linux, string allocator, string? optOut, string? relaunched, string? jemalloc, string expected)
        => ByolFastAllocator.Decide(linux, allocator, optOut, relaunched, jemalloc).ToString().Should().Be(expected);

    [SkippableFact]
    public void AnApplicationRelaunchedByItsFirstLineRunsUnderJemalloc()
    {
        Skip.IfNot(File.Exists(Jemalloc), $"jemalloc is not installed ({Jemalloc}; apt-get install libjemalloc2)");
        var (relaunched, relaunchLog) = RunChild(optOut: null);
        relaunched.Should().Contain("allocator jemalloc");
        relaunchLog.Should().Contain("relaunching with jemalloc");

        var (stayed, _) = RunChild(optOut: "0");
        stayed.Should().Contain("allocator glibc", "BYOL_FAST_ALLOCATOR=0 keeps the process as it is");
    }

    [SkippableTheory]
    [InlineData("jemalloc")]
    [InlineData("glibc")]
    public void ATrainingRunReturnsWhatItFreedToTheSystemWhenItEnds(string allocator)
    {
        Skip.If(allocator == "jemalloc" && !File.Exists(Jemalloc), $"jemalloc is not installed ({Jemalloc}; apt-get install libjemalloc2)");
        var folder = Directory.CreateTempSubdirectory("byol-release-");
        try
        {
            // The tiny training run of the fault child (4 steps, no checkpoint), preloaded as Relaunch would do it.
            var (stdout, stderr) = RunChild(optOut: "0", preload: allocator == "jemalloc", folder.FullName, "4", "100");
            var line = stdout.Split('\n').SingleOrDefault(l => l.Contains($"training over; {allocator} returned its free pages", StringComparison.Ordinal));
            line.Should().NotBeNull($"the run logs the release.\n{stdout}\n{stderr}");
            line.Should().Contain("live native");
            var resident = Regex.Match(line!, @"resident ([0-9.]+) → ([0-9.]+) GB");
            resident.Success.Should().BeTrue(line);
            double Gb(int group) => double.Parse(resident.Groups[group].Value, CultureInfo.InvariantCulture);
            Gb(2).Should().BeLessThanOrEqualTo(Gb(1), "releasing free pages never grows the resident size");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static (string Stdout, string Stderr) RunChild(string? optOut, bool preload = false, params string[] arguments)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(FaultChildProcess.DllPath);
        foreach (var argument in arguments.Length == 0 ? new[] { "--allocator" } : arguments)
            info.ArgumentList.Add(argument);
        info.Environment.Remove("LD_PRELOAD");
        info.Environment.Remove(ByolFastAllocator.RelaunchedVariable);
        if (preload)
        {
            info.Environment["LD_PRELOAD"] = Jemalloc;
            info.Environment["MALLOC_CONF"] = ByolFastAllocator.JemallocSettings;
        }
        if (optOut is null)
            info.Environment.Remove(ByolFastAllocator.OptOutVariable);
        else
            info.Environment[ByolFastAllocator.OptOutVariable] = optOut;
        using var child = Process.Start(info)!;
        var stderr = child.StandardError.ReadToEndAsync();
        string stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit(120_000).Should().BeTrue();
        child.ExitCode.Should().Be(0, stderr.Result);
        return (stdout, stderr.Result);
    }
}
