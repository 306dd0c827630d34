using System.Diagnostics;
using System.Reflection;
using Microsoft.ML.Byol.Onnx.Tests.Support;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Reliability;

/// <summary>
/// Damaged and hostile image files (<see cref="FuzzedImages"/>) go through ByolEmbedder.EmbedFiles in a child process
/// (tests/Microsoft.ML.Byol.ImageFuzzChild), so that a native crash in a decoder is an exit code, not a dead test
/// host. Every file must be decoded, or refused with a documented exception naming it.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class ImageFuzzTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Documented = { typeof(InvalidDataException).FullName!, typeof(FileNotFoundException).FullName! };
    private readonly TempFolder _folder = new("byol-fuzz-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void FuzzedFiles_AreDecodedOrRefusedWithADocumentedErrorNamingTheFile()
    {
        var files = FuzzedImages.Write(_folder.Path, seed: 5);
        string encoder = Path.Combine(_folder.Path, "encoder.onnx");
        File.WriteAllBytes(encoder, TestEncoder.Bytes);
        string list = Path.Combine(_folder.Path, "files.txt");
        File.WriteAllLines(list, files);

        var (exitCode, stdout, stderr) = RunChild(encoder, list);

        exitCode.Should().Be(0, $"the child handles every file without crashing; stderr: {stderr}");
        var results = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).ToList();
        results.Select(r => r[0] == "OK" ? r[1] : r[2]).Should().Equal(files, "one line per file, in order");
        foreach (var failure in results.Where(r => r[0] == "ERR"))
        {
            failure[1].Should().BeOneOf(Documented, $"for {failure[2]}: {failure[3]}");
            failure[3].Should().Contain(failure[2], "the message names the file");
        }

        var outcome = results.ToDictionary(r => Path.GetFileName(r[0] == "OK" ? r[1] : r[2]), r => r);
        foreach (var (name, _) in FuzzedImages.Originals())
        {
            outcome[name][0].Should().Be("OK", $"the undamaged {name} decodes");
        }

        foreach (string bomb in new[] { "bomb-20000.png", "bomb-60000.png", "bomb-100000.png" })
        {
            outcome[bomb][0].Should().Be("ERR");
            outcome[bomb][3].Should().Contain("MaxImagePixels", $"{bomb} is refused for its declared size");
        }

        output.WriteLine($"{files.Count} files: {results.Count(r => r[0] == "OK")} decoded, {results.Count(r => r[0] == "ERR")} refused.");
        results.Count(r => r[0] == "OK").Should().BeGreaterThan(4, "some damaged files still decode");
    }

    private (int ExitCode, string Stdout, string Stderr) RunChild(string encoder, string list)
    {
        string child = ChildPath();
        File.Exists(child).Should().BeTrue($"the fuzz child is built with the test project ({child})");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(child);
        start.ArgumentList.Add(encoder);
        start.ArgumentList.Add(list);

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The fuzz child did not finish in 2 minutes.");
        }

        output.WriteLine($"child ran in {watch.ElapsedMilliseconds} ms, exit code {process.ExitCode}");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static string ChildPath() =>
        typeof(ImageFuzzTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ImageFuzzChildPath").Value!;
}
