using System.Diagnostics;
using Microsoft.ML.Byol.Export;
using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Tests.Export;

/// <summary>The exported ONNX encoder computes what the TorchSharp encoder computes in eval mode.</summary>
public sealed class EncoderExporterTests
{
    private static readonly float[] Mean = { 0.485f, 0.456f, 0.406f };
    private static readonly float[] Std = { 0.229f, 0.224f, 0.225f };
    private readonly ITestOutputHelper _output;

    public EncoderExporterTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureInitialized();
    }

    public static TheoryData<ByolArchitecture, bool, int, bool> Cases()
    {
        var data = new TheoryData<ByolArchitecture, bool, int, bool>();
        foreach (var architecture in Enum.GetValues<ByolArchitecture>())
        {
            data.Add(architecture, true, 1, false);
            data.Add(architecture, false, 3, true);
        }
        data.Add(ByolArchitecture.ResNet18, true, 4, true);
        data.Add(ByolArchitecture.ResNet50, false, 1, true);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OnnxRuntimeMatchesTorchSharpEval(ByolArchitecture architecture, bool smallStem, int batch, bool fold)
    {
        int size = smallStem ? 16 : 32;
        torch.random.manual_seed(42);
        using var encoder = new ResNet(new ResNetLayout(architecture, 0.125f, smallStem));
        RandomiseNormStatistics(encoder);
        encoder.eval();
        byte[] onnx = EncoderExporter.Export(encoder, size, fold, new Dictionary<string, string> { ["steps"] = "0" });

        var pixels = new float[batch * 3 * size * size];
        var random = new Random(3);
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = (float)random.NextDouble();

        float[] expected;
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
        {
            var x = torch.tensor(pixels, new long[] { batch, 3, size, size });
            var normalised = (x - torch.tensor(Mean).view(1, 3, 1, 1)) / torch.tensor(Std).view(1, 3, 1, 1);
            expected = encoder.call(normalised).data<float>().ToArray();
        }

        using var session = new InferenceSession(onnx);
        var input = new DenseTensor<float>(pixels, new[] { batch, 3, size, size });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("pixels", input) });
        var actual = results.Single().AsTensor<float>();
        actual.Dimensions.ToArray().Should().Equal(batch, encoder.Layout.EmbeddingSize);
        var got = actual.ToArray();

        double scale = expected.Max(v => Math.Abs(v));
        double maxError = expected.Zip(got, (e, a) => Math.Abs(e - a)).Max() / scale;
        _output.WriteLine($"{architecture} smallStem={smallStem} batch={batch} fold={fold}: max relative error {maxError:E2} (scale {scale:G3})");
        scale.Should().BeGreaterThan(0);
        maxError.Should().BeLessThan(1e-4);
    }

    [Fact]
    public void ExportedModelPassesOnnxChecker()
    {
        torch.random.manual_seed(1);
        using var encoder = new ResNet(new ResNetLayout(ByolArchitecture.ResNet50, 0.125f, false));
        encoder.eval();
        string path = Path.Combine(Path.GetTempPath(), $"byol-checker-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, EncoderExporter.Export(encoder, 64, foldBatchNorm: false, null));
        try
        {
            var check = RunPython($"import onnx; m = onnx.load('{path}'); onnx.checker.check_model(m, full_check=True); " +
                                  "print('opset', m.opset_import[0].version, 'inputs', [d.dim_param or d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim])");
            if (check is null)
            {
                Environment.GetEnvironmentVariable("CI").Should().NotBe("true", "CI installs python3-onnx (apt) for this check");
                _output.WriteLine("python3-onnx is not installed (apt-get install python3-onnx); onnx.checker not run.");
                return;
            }
            _output.WriteLine(check.Value.Output);
            check.Value.ExitCode.Should().Be(0, check.Value.Output);
            check.Value.Output.Should().Contain("opset 17").And.Contain("['N', 3, 64, 64]");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (int ExitCode, string Output)? RunPython(string code)
    {
        const string python = "/usr/bin/python3";
        if (!File.Exists(python))
            return null;
        var probe = Process.Start(new ProcessStartInfo(python, "-c \"import onnx\"") { RedirectStandardError = true, RedirectStandardOutput = true })!;
        probe.WaitForExit();
        if (probe.ExitCode != 0)
            return null;
        var start = new ProcessStartInfo(python) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(code);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    /// <summary>Gives every BatchNorm non-trivial γ, β and running statistics, so that a wrong export shows.</summary>
    internal static void RandomiseNormStatistics(ResNet encoder)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in encoder.state_dict().Where(kv => kv.Value.dtype == torch.ScalarType.Float32))
        {
            if (name.EndsWith(".running_mean", StringComparison.Ordinal) || name.EndsWith(".bias", StringComparison.Ordinal))
                tensor.copy_(torch.randn_like(tensor) * 0.1);
            else if (name.EndsWith(".running_var", StringComparison.Ordinal))
                tensor.copy_(torch.rand_like(tensor) + 0.5);
            else if (name.Contains(".bn") || name.StartsWith("bn1", StringComparison.Ordinal) || name.Contains("downsample.1"))
                tensor.copy_(torch.rand_like(tensor) + 0.5);
        }
    }
}
