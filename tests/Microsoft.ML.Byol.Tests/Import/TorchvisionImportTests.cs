using Microsoft.ML.Byol.Import;
using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Torch;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Tests.Import;

/// <summary>
/// torchvision ResNets with seeded random weights and random BatchNorm affine and running statistics, saved by
/// PyTorch as .pth, as .safetensors and through torch.onnx.export (a third-party graph: BatchNorm folded by the
/// exporter, Identity-shared constants, fc after the pool), imported here: the same pooled features (before fc) as
/// torchvision's own eval-mode forward on the same inputs, at two image sizes.
/// </summary>
public sealed class TorchvisionImportTests : IDisposable
{
    private const double Tolerance = 1e-4;
    private readonly ITestOutputHelper _output;
    private readonly TempFolder _folder = new("byol-tv-");

    public TorchvisionImportTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureInitialized();
    }

    [Trait("Category", "Slow")]
    [SkippableTheory]
    [InlineData("resnet18", false, ByolArchitecture.ResNet18, new[] { 64, 96 })]
    [InlineData("resnet50", false, ByolArchitecture.ResNet50, new[] { 64, 96 })]
    [InlineData("resnet18", true, ByolArchitecture.ResNet18, new[] { 32, 40 })]
    public void ImportedWeights_GiveTorchvisionsFeatures(string arch, bool smallStem, ByolArchitecture expected, int[] sizes)
    {
        TorchvisionPeer.SkipUnlessAvailable();
        const int count = 2;
        var io = new List<string>();
        var inputs = new Dictionary<int, float[]>();
        foreach (int size in sizes)
        {
            inputs[size] = FeatureFiles.NormalisedPixels(count, size, seed: size);
            string input = Path.Combine(_folder.Path, $"in{size}.f32");
            FeatureFiles.Write(input, inputs[size]);
            io.AddRange(new[] { "--io", $"{input}:{count},3,{size},{size}:{Path.Combine(_folder.Path, $"out{size}.f32")}" });
        }

        string pth = Path.Combine(_folder.Path, $"{arch}.pth"), safetensors = Path.Combine(_folder.Path, $"{arch}.safetensors");
        string onnx = Path.Combine(_folder.Path, $"{arch}.onnx");
        var arguments = new List<string> { "make", "--arch", arch, "--seed", "7", "--pth", pth, "--safetensors", safetensors, "--onnx", onnx };
        if (smallStem)
            arguments.Add("--small");
        TorchvisionPeer.Run(arguments.Concat(io).ToArray());

        foreach (string file in new[] { pth, safetensors, onnx })
        {
            var imported = EncoderImport.Read(file);
            _output.WriteLine(imported.Description);
            imported.Layout.Should().Be(new ResNetLayout(expected, 1f, smallStem));
            imported.Format.Should().Be(file == pth ? "pytorch" : file == onnx ? "onnx" : "safetensors");
            imported.Weights.Keys.Should().NotContain(k => k.StartsWith("fc.", StringComparison.Ordinal) || k.EndsWith("num_batches_tracked", StringComparison.Ordinal));
            using var encoder = new ResNet(imported.Layout);
            EncoderImport.CopyInto(imported, encoder);
            foreach (int size in sizes)
            {
                var torchvision = FeatureFiles.Read(Path.Combine(_folder.Path, $"out{size}.f32"));
                var ours = FeatureFiles.Features(encoder, inputs[size], count, size);
                var comparison = FeatureComparison.Of(ours, torchvision, count);
                _output.WriteLine($"{arch}{(smallStem ? " small stem" : "")} {Path.GetExtension(file)} {size} px: {comparison}");
                comparison.MaxRelativeError.Should().BeLessThan(Tolerance);
            }
        }

        // Negative control: an encoder that was not given the weights is far off (the comparison can fail).
        using var untouched = new ResNet(new ResNetLayout(expected, 1f, smallStem));
        int first = sizes[0];
        FeatureComparison.Of(FeatureFiles.Features(untouched, inputs[first], count, first),
            FeatureFiles.Read(Path.Combine(_folder.Path, $"out{first}.f32")), count).MaxRelativeError.Should().BeGreaterThan(0.1);
    }

    public void Dispose() => _folder.Dispose();
}
