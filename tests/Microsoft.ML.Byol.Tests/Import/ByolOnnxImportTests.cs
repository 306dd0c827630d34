using Microsoft.ML.Byol.Export;
using Microsoft.ML.Byol.Import;
using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Tests.Export;
using Microsoft.ML.Byol.Torch;
using TorchSharp;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Tests.Import;

/// <summary>This library's exported ONNX encoders (BatchNorm folded or not) import back to the same function.</summary>
public sealed class ByolOnnxImportTests
{
    private const double Tolerance = 1e-5;
    private readonly ITestOutputHelper _output;

    public ByolOnnxImportTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureInitialized();
    }

    public static TheoryData<ByolArchitecture, float, bool, int[]?, bool> Cases() => new()
    {
        { ByolArchitecture.ResNet18, 0.125f, true, null, true },
        { ByolArchitecture.ResNet18, 0.125f, true, null, false },
        { ByolArchitecture.ResNet50, 0.125f, false, null, true },
        { ByolArchitecture.ResNet34, 0.0625f, false, null, false },
        { ByolArchitecture.ResNet18, 0.25f, false, new[] { 2, 2, 2, 3 }, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ExportedOnnx_ImportsToIdenticalFeatures(ByolArchitecture architecture, float width, bool smallStem, int[]? blocks, bool fold)
    {
        int size = smallStem ? 24 : 64;
        var layout = new ResNetLayout(architecture, width, smallStem, blocks);
        torch.random.manual_seed(11);
        using var original = new ResNet(layout);
        EncoderExporterTests.RandomiseNormStatistics(original);
        original.eval();
        byte[] onnx = EncoderExporter.Export(original, size, fold, null);
        string path = Path.Combine(Path.GetTempPath(), $"byol-import-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, onnx);
        try
        {
            var imported = EncoderImport.Read(path);
            _output.WriteLine(imported.Description);
            imported.Layout.Should().Be(layout);
            imported.Format.Should().Be("onnx");
            imported.Description.Should().Contain(path);
            if (fold)
            {
                imported.Weights["bn1.weight"].Data.Should().OnlyContain(v => v == 1f);
                imported.Weights["bn1.running_mean"].Data.Should().OnlyContain(v => v == 0f);
            }
            else
            {
                imported.Weights["conv1.weight"].Data.Should().Equal(EncoderExporter.ReadWeights(original)["conv1.weight"].Data);
            }

            using var copy = new ResNet(imported.Layout);
            EncoderImport.CopyInto(imported, copy);
            var x = FeatureFiles.NormalisedPixels(3, size, seed: 5);
            var comparison = FeatureComparison.Of(FeatureFiles.Features(copy, x, 3, size), FeatureFiles.Features(original, x, 3, size), 3);
            _output.WriteLine($"{layout} fold={fold}: {comparison}");
            comparison.MaxRelativeError.Should().BeLessThan(Tolerance);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
