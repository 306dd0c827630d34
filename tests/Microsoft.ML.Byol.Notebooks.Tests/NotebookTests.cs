using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Notebooks.Tests;

/// <summary>
/// Executes each notebook of samples/NotebookSamples against the packages in BYOL_PACKAGES (default:
/// artifacts/packages, written by nuget/pack.sh). A cell that fails fails the test, naming the cell.
/// </summary>
public sealed class NotebookTests(ITestOutputHelper output)
{
    /// <summary>Every notebook in samples/NotebookSamples (run-notebooks.sh runs each in a test process of its own).</summary>
    public static TheoryData<string> Notebooks => new(
        Directory.GetFiles(Path.Combine(NotebookRunner.RepositoryRoot, "samples", "NotebookSamples"), "*.ipynb")
            .Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Committed_notebook_holds_no_outputs(string notebook)
    {
        string path = Path.Combine(NotebookRunner.RepositoryRoot, "samples", "NotebookSamples", notebook);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        foreach (var cell in json.RootElement.GetProperty("cells").EnumerateArray())
        {
            if (cell.TryGetProperty("outputs", out var outputs))
                outputs.GetArrayLength().Should().Be(0, $"{notebook} is committed without outputs (Clear All Outputs)");
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_without_errors(string notebook)
    {
        string packages = Environment.GetEnvironmentVariable("BYOL_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(NotebookRunner.RepositoryRoot, "artifacts", "packages");
        Directory.Exists(packages).Should().BeTrue(
            $"the notebooks reference the packages in {packages}: run `bash nuget/pack.sh` first " +
            "(samples/NotebookSamples/run-notebooks.sh does)");
        Directory.GetFiles(packages, "Microsoft.ML.Byol.*.nupkg").Should().NotBeEmpty(
            $"{packages} holds no Microsoft.ML.Byol package: run `bash nuget/pack.sh` first");
        Environment.SetEnvironmentVariable("BYOL_PACKAGES", Path.GetFullPath(packages));

        string path = Path.Combine(NotebookRunner.RepositoryRoot, "samples", "NotebookSamples", notebook);
        NotebookRun run = await NotebookRunner.RunAsync(path, TimeSpan.FromMinutes(8));

        string summary = $"NOTEBOOK {notebook}: {(run.Failures.Count == 0 ? "passed" : "FAILED")}, {run.CodeCells} code cells " +
                         $"in {run.Elapsed.TotalSeconds:F1} s; displayed: {string.Join(", ", run.DisplayedMimeTypes.Distinct())}";
        output.WriteLine(run.Log);
        output.WriteLine(summary);
        // The cell-by-cell log (outputs, times) beside the packages, for the script and CI to show.
        string logs = Path.Combine(NotebookRunner.RepositoryRoot, "artifacts", "notebook-runs");
        Directory.CreateDirectory(logs);
        await File.WriteAllTextAsync(Path.Combine(logs, Path.ChangeExtension(notebook, ".log")),
            run.Log + string.Join(Environment.NewLine, run.Failures) + Environment.NewLine + summary + Environment.NewLine);
        run.Failures.Should().BeEmpty($"every cell of {notebook} must run (log above)");
    }
}
