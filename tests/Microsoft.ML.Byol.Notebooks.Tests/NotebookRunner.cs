using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace Microsoft.ML.Byol.Notebooks.Tests;

/// <summary>What one notebook run produced: per-cell failures, displayed outputs, and the time it took.</summary>
public sealed record NotebookRun(string Notebook, int CodeCells, TimeSpan Elapsed, IReadOnlyList<string> Failures,
    IReadOnlyList<string> DisplayedMimeTypes, string Log);

/// <summary>
/// Runs the code cells of a .ipynb in order in an in-process C# kernel with `#r "nuget:..."` and `#i` enabled,
/// as Polyglot Notebooks does, and collects every cell's errors.
/// </summary>
public static class NotebookRunner
{
    private static readonly object NativeLock = new();
    private static readonly List<string> NativeFolders = [];
    private static bool _resolverInstalled;

    public static string RepositoryRoot { get; } = typeof(NotebookRunner).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public static async Task<NotebookRun> RunAsync(string notebookPath, TimeSpan cellTimeout)
    {
        InstallNativeResolver();
        string json = await File.ReadAllTextAsync(notebookPath);
        var kernelInfos = new KernelInfoCollection { new Microsoft.DotNet.Interactive.Documents.KernelInfo("csharp", languageName: "C#", aliases: ["c#", "C#"]) };
        kernelInfos.DefaultKernelName = "csharp";
        InteractiveDocument document = Notebook.Parse(json, kernelInfos);
        var cells = document.Elements
            .Select((element, index) => (element, index))
            .Where(c => c.element.KernelName is "csharp" or "C#" or "c#")
            .ToList();

        using var csharp = new CSharpKernel()
            .UseNugetDirective((kernel, references) =>
            {
                kernel.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));
                lock (NativeLock)
                {
                    foreach (string folder in references.SelectMany(r => r.ProbingPaths))
                        if (!NativeFolders.Contains(folder)) NativeFolders.Add(folder);
                }
                return Task.CompletedTask;
            })
            .UseKernelHelpers()
            .UseValueSharing();
        using var composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = "csharp";

        // A notebook runs with its own folder as the current directory (as Jupyter and Polyglot Notebooks do).
        string previousDirectory = Environment.CurrentDirectory;
        Environment.CurrentDirectory = Path.GetDirectoryName(Path.GetFullPath(notebookPath))!;
        var failures = new List<string>();
        var mimeTypes = new List<string>();
        var log = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        try
        {
            foreach (var (element, index) in cells)
            {
                var cellWatch = Stopwatch.StartNew();
                using var timeout = new CancellationTokenSource(cellTimeout);
                KernelCommandResult result = await composite.SendAsync(new SubmitCode(element.Contents, "csharp"), timeout.Token);
                log.AppendLine($"--- cell {index} ({cellWatch.Elapsed.TotalSeconds:F1} s)");
                foreach (KernelEvent e in result.Events)
                {
                    switch (e)
                    {
                        case CommandFailed failed:
                            failures.Add($"cell {index}: {failed.Message}{(failed.Exception is null ? "" : "\n" + failed.Exception)}");
                            log.AppendLine("FAILED: " + failed.Message);
                            break;
                        case ErrorProduced error:
                            failures.Add($"cell {index}: {error.Message}");
                            log.AppendLine("ERROR: " + error.Message);
                            break;
                        case StandardErrorValueProduced stderr:
                            log.Append("stderr: ").AppendLine(Text(stderr));
                            break;
                        case StandardOutputValueProduced stdout:
                            log.Append(Text(stdout));
                            break;
                        case DisplayEvent display:
                            foreach (var value in display.FormattedValues)
                            {
                                mimeTypes.Add(value.MimeType);
                                log.AppendLine($"[display {value.MimeType}, {value.Value.Length} chars]" +
                                               (value.MimeType == "text/plain" ? " " + value.Value : ""));
                                SaveDisplay(notebookPath, index, mimeTypes.Count, value.MimeType, value.Value);
                            }
                            break;
                    }
                }
                if (failures.Count > 0) break;
            }
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
        }
        return new NotebookRun(Path.GetFileName(notebookPath), cells.Count, stopwatch.Elapsed, failures, mimeTypes, log.ToString());
    }

    /// <summary>
    /// When BYOL_NOTEBOOK_DISPLAY_DIR is set, writes every HTML/SVG display to that folder, so what a notebook shows
    /// can be looked at without a notebook front end.
    /// </summary>
    private static void SaveDisplay(string notebookPath, int cell, int ordinal, string mimeType, string value)
    {
        string? folder = Environment.GetEnvironmentVariable("BYOL_NOTEBOOK_DISPLAY_DIR");
        if (string.IsNullOrEmpty(folder) || mimeType is not ("text/html" or "image/svg+xml"))
            return;
        Directory.CreateDirectory(folder);
        string extension = mimeType == "text/html" ? "html" : "svg";
        File.WriteAllText(Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(notebookPath)}-cell{cell}-{ordinal}.{extension}"), value);
    }

    private static string Text(DisplayEvent e) => string.Concat(e.FormattedValues.Select(v => v.Value));

    // Packages restored by `#r "nuget:..."` bring native libraries (ONNX Runtime, SkiaSharp) under runtimes/<rid>/native;
    // the kernel returns their package folders as probing paths. Polyglot Notebooks resolves them the same way. The
    // kernel's own resolver goes when the kernel is disposed, while objects of a notebook can still be finalized
    // afterwards (ScottPlot's SkiaSharp fonts call into libSkiaSharp from their finalizers), so this one stays.
    private static void InstallNativeResolver()
    {
        lock (NativeLock)
        {
            if (_resolverInstalled) return;
            _resolverInstalled = true;
        }
        AssemblyLoadContext.Default.ResolvingUnmanagedDll += (_, name) =>
        {
            string[] folders;
            lock (NativeLock) folders = [.. NativeFolders];
            foreach (string folder in folders.SelectMany(f => new[] { f, Path.Combine(f, "runtimes", RuntimeInformation.RuntimeIdentifier, "native") }))
            {
                foreach (string candidate in new[] { name, "lib" + name + ".so", name + ".so", "lib" + name })
                {
                    string path = Path.Combine(folder, candidate);
                    if (File.Exists(path) && NativeLibrary.TryLoad(path, out IntPtr handle)) return handle;
                }
            }
            return IntPtr.Zero;
        };
    }
}
