using QualityPlot;

// Draws benchmarks/results/quality-curve.png from the CSV files FashionMnistQuality writes (quality-curve.csv,
// quality-loss.csv, quality-monitor.csv, quality-references.csv). The benchmark runs it after a run with BYOL parts:
//   dotnet run -c Release --project benchmarks/QualityPlot -- <results folder> "<title>"
if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("Usage: QualityPlot <results folder> [title]");
    return 1;
}
string folder = args[0];
var data = CurveData.Read(folder);
string path = Path.Combine(folder, "quality-curve.png");
QualityFigure.Write(data, args.Length > 1 ? args[1] : "BYOL on Fashion-MNIST", path);
Console.WriteLine($"Wrote {path}.");
return 0;
