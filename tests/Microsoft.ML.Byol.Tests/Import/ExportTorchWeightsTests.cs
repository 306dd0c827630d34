using System.Text.Json;
using Microsoft.ML.Byol.Export;
using Microsoft.ML.Byol.Import;
using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Tests.Export;
using Microsoft.ML.Byol.Torch;
using TorchSharp;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Tests.Import;

/// <summary>
/// <see cref="ByolTorchWeights.ExportTorchWeights"/>: the transformer's encoder as a torchvision state_dict (.pth and
/// .safetensors) that reads back here and that torchvision loads (every conv/bn key, only fc.* absent) and runs to
/// the same features.
/// </summary>
public sealed class ExportTorchWeightsTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly TempFolder _folder = new("byol-export-pt-");

    public ExportTorchWeightsTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureInitialized();
    }

    [Theory]
    [InlineData(".pth")]
    [InlineData(".safetensors")]
    public void ExportedWeights_ReadBack_ToTheSameFeatures(string extension)
    {
        var layout = new ResNetLayout(ByolArchitecture.ResNet18, 0.125f, true, new[] { 2, 2, 2, 3 });
        using var original = RandomEncoder(layout);
        string file = ExportThroughTransformer(original, 24, extension);

        var imported = EncoderImport.Read(file);
        imported.Layout.Should().Be(layout);
        imported.Format.Should().Be(extension == ".pth" ? "pytorch" : "safetensors");
        imported.Weights["layer1.0.bn2.weight"].Data.Should().OnlyContain(v => v == 1f, "BatchNorm comes out folded");
        imported.Weights["layer1.0.bn2.running_mean"].Data.Should().OnlyContain(v => v == 0f);
        using var copy = new ResNet(imported.Layout);
        EncoderImport.CopyInto(imported, copy);
        var x = FeatureFiles.NormalisedPixels(2, 24, seed: 3);
        var comparison = FeatureComparison.Of(FeatureFiles.Features(copy, x, 2, 24), FeatureFiles.Features(original, x, 2, 24), 2);
        _output.WriteLine($"{extension}: {comparison}");
        comparison.MaxRelativeError.Should().BeLessThan(1e-5);
    }

    [Trait("Category", "Slow")]
    [SkippableTheory]
    [InlineData(".pth", false, 64)]
    [InlineData(".safetensors", false, 64)]
    [InlineData(".pth", true, 32)]
    public void Torchvision_LoadsTheExport_AndGivesTheSameFeatures(string extension, bool smallStem, int size)
    {
        TorchvisionPeer.SkipUnlessAvailable();
        var layout = new ResNetLayout(ByolArchitecture.ResNet18, 1f, smallStem);
        using var original = RandomEncoder(layout);
        string file = ExportThroughTransformer(original, size, extension);
        var x = FeatureFiles.NormalisedPixels(2, size, seed: 8);
        string input = Path.Combine(_folder.Path, "in.f32"), output = Path.Combine(_folder.Path, "out.f32"), report = Path.Combine(_folder.Path, "report.json");
        FeatureFiles.Write(input, x);

        var arguments = new List<string> { "forward", "--arch", "resnet18", "--weights", file, "--report", report, "--io", $"{input}:2,3,{size},{size}:{output}" };
        if (smallStem)
            arguments.Add("--small");
        TorchvisionPeer.Run(arguments.ToArray());

        using var keys = JsonDocument.Parse(File.ReadAllText(report));
        keys.RootElement.GetProperty("missing").EnumerateArray().Select(e => e.GetString()).Should().BeEquivalentTo("fc.weight", "fc.bias");
        keys.RootElement.GetProperty("unexpected").EnumerateArray().Should().BeEmpty();
        var comparison = FeatureComparison.Of(FeatureFiles.Read(output), FeatureFiles.Features(original, x, 2, size), 2);
        _output.WriteLine($"torchvision on {extension} (small stem {smallStem}, {size} px): {comparison}");
        comparison.MaxRelativeError.Should().BeLessThan(1e-4);
    }

    public void Dispose() => _folder.Dispose();

    private static ResNet RandomEncoder(ResNetLayout layout)
    {
        torch.random.manual_seed(21);
        var encoder = new ResNet(layout);
        EncoderExporterTests.RandomiseNormStatistics(encoder);
        encoder.eval();
        return encoder;
    }

    /// <summary>Exports to ONNX, loads it with ApplyByolEncoder and writes the torch weights from the transformer.</summary>
    private string ExportThroughTransformer(ResNet encoder, int size, string extension)
    {
        string onnx = Path.Combine(_folder.Path, "encoder.onnx");
        File.WriteAllBytes(onnx, EncoderExporter.Export(encoder, size, foldBatchNorm: true, null));
        using var transformer = new MLContext(seed: 1).Transforms.ApplyByolEncoder(onnx);
        string file = Path.Combine(_folder.Path, "encoder" + extension);
        transformer.ExportTorchWeights(file);
        return file;
    }
}
