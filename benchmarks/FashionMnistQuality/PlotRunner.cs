using System.Diagnostics;
using ByolBenchmarks;

namespace FashionMnistQuality;

/// <summary>
/// Runs benchmarks/QualityPlot (ScottPlot 5) on the CSV files. It is a separate process because ScottPlot 5 needs
/// SkiaSharp 3.119 and ML.NET's ImageAnalytics, through which this benchmark resizes every image, is built against
/// SkiaSharp 2.88.9: restoring ScottPlot into this project fails with NU1605 (a SkiaSharp downgrade), and forcing 3.119
/// would run ML.NET's resizing on a SkiaSharp it was not built for.
/// </summary>
internal static class PlotRunner
{
    public static void Run(string resultsFolder, string title)
    {
        string project = Path.Combine(ResultsFile.RepositoryRoot(), "benchmarks", "QualityPlot");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        foreach (var argument in new[] { "run", "-c", "Release", "--project", project, "--", resultsFolder, title })
            start.ArgumentList.Add(argument);
        string command = $"dotnet run -c Release --project {project} -- {resultsFolder} \"{title}\"";
        try
        {
            using var process = Process.Start(start)!;
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                Console.WriteLine($"QualityPlot did not finish in 5 minutes; draw the figure with: {command}");
            }
            else if (process.ExitCode != 0)
                Console.WriteLine($"QualityPlot failed (exit {process.ExitCode}); draw the figure with: {command}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.WriteLine($"Could not start dotnet ({e.Message}); draw the figure with: {command}");
        }
    }
}
