using Microsoft.ML.Byol.Export;
using Microsoft.ML.Byol.Graph;
using Microsoft.ML.Byol.Import;
using Microsoft.ML.Byol.Networks;
using Microsoft.ML.Byol.Torch;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Tests.Import;

/// <summary>Unknown, truncated and mismatched files fail with a message that names the file.</summary>
public sealed class EncoderImportErrorTests : IDisposable
{
    private static readonly ResNetLayout Tiny = new(ByolArchitecture.ResNet18, 0.125f, true);
    private readonly TempFolder _folder = new("byol-import-errors-");
    private readonly ITestOutputHelper _output;

    public EncoderImportErrorTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureInitialized();
    }

    [Theory]
    [InlineData("weights.bin", new byte[] { 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4, 5, 6 })]
    [InlineData("model.onnx", new byte[] { (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' })]
    [InlineData("empty.pt", new byte[0])]
    public void UnknownContent_IsRejected_NamingTheFile(string name, byte[] content)
    {
        string path = Write(name, content);
        FluentActions.Invoking(() => EncoderImport.Read(path))
            .Should().Throw<InvalidDataException>().WithMessage($"*'{path}'*ONNX*PyTorch*safetensors*");
    }

    [Fact]
    public void LegacyPickle_IsRejected_WithHowToResave()
    {
        string path = Write("legacy.pth", new byte[] { 0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20 });
        FluentActions.Invoking(() => EncoderImport.Read(path))
            .Should().Throw<InvalidDataException>().WithMessage($"*'{path}'*legacy*torch.save*");
    }

    [Fact]
    public void MissingFile_IsNamed()
    {
        string path = Path.Combine(_folder.Path, "nothing.pth");
        FluentActions.Invoking(() => EncoderImport.Read(path)).Should().Throw<FileNotFoundException>().WithMessage($"*{path}*");
    }

    [Theory]
    [InlineData(".onnx")]
    [InlineData(".pth")]
    [InlineData(".safetensors")]
    public void TruncatedFile_IsRejected_NamingTheFile(string extension)
    {
        string whole = WriteTiny(extension);
        byte[] bytes = File.ReadAllBytes(whole);
        string path = Write("truncated" + extension, bytes[..(bytes.Length / 2)]);
        var error = FluentActions.Invoking(() => EncoderImport.Read(path))
            .Should().Throw<InvalidDataException>().WithMessage($"*'{path}'*").Which;
        _output.WriteLine(error.Message);
    }

    [Fact]
    public void MismatchedLayout_IsRejectedByCopyInto_NamingTheFileAndTheDifferences()
    {
        string path = WriteTiny(".pth");
        var imported = EncoderImport.Read(path);
        using var other = new ResNet(new ResNetLayout(ByolArchitecture.ResNet18, 0.25f, true));
        var error = FluentActions.Invoking(() => EncoderImport.CopyInto(imported, other))
            .Should().Throw<ArgumentException>()
            .WithMessage($"*{path}*WidthMultiplier = 0.125*WidthMultiplier = 0.25*'conv1.weight' is [8, 3, 3, 3] in the file, [16, 3, 3, 3] in the encoder*").Which;
        _output.WriteLine(error.Message);

        using var deeper = new ResNet(Tiny with { BlocksPerStage = new[] { 2, 2, 2, 3 } });
        FluentActions.Invoking(() => EncoderImport.CopyInto(imported, deeper))
            .Should().Throw<ArgumentException>().WithMessage($"*{path}*'layer4.2.conv1.weight' is missing from the file*");
    }

    [Fact]
    public void StateDictOfAnotherNetwork_IsRejected_NamingTheFile()
    {
        string path = Path.Combine(_folder.Path, "linear.pth");
        using (var linear = torch.nn.Linear(4, 2))
            linear.save_py(path);
        FluentActions.Invoking(() => EncoderImport.Read(path))
            .Should().Throw<InvalidDataException>().WithMessage($"*'{path}'*not a torchvision ResNet state_dict*conv1.weight*");
    }

    [Fact]
    public void OnnxThatIsNotAResNet_IsRejected_NamingTheFile()
    {
        var writer = new OnnxGraphWriter();
        writer.AddOutput(writer.Relu(writer.AddInput("x", 3, 8, 8)), 3);
        string path = Write("relu.onnx", writer.ToBytes());
        FluentActions.Invoking(() => EncoderImport.Read(path))
            .Should().Throw<InvalidDataException>().WithMessage($"*'{path}'*Relu*");
    }

    [Fact]
    public void MlNetPreprocessingModel_IsRejected_PointingToTheResNet()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNetPrepOnnx", "ResNetPreprocess.onnx");
        FluentActions.Invoking(() => EncoderImport.Read(path))
            .Should().Throw<InvalidDataException>().WithMessage($"*'{path}'*no convolution*preprocessing model*");
    }

    [Fact]
    public void ALowPrecisionEncoder_IsRejected_AskingForTheFloat32File()
    {
        torch.random.manual_seed(2);
        using var encoder = new ResNet(Tiny);
        encoder.eval();
        byte[] float32 = EncoderExporter.Export(encoder, 16, foldBatchNorm: true, null);
        string path = Write("tiny-fp16.onnx", Float16Converter.Convert(float32, ByolEncoderInfo.FromOnnxBytes(float32)));

        FluentActions.Invoking(() => EncoderImport.Read(path))
            .Should().Throw<InvalidDataException>().WithMessage($"*'{path}'*Float16 encoder*float32 file*");
    }

    public void Dispose() => _folder.Dispose();

    private string Write(string name, byte[] content)
    {
        string path = Path.Combine(_folder.Path, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private string WriteTiny(string extension)
    {
        torch.random.manual_seed(2);
        using var encoder = new ResNet(Tiny);
        encoder.eval();
        string path = Path.Combine(_folder.Path, "tiny" + extension);
        if (extension == ".onnx")
            File.WriteAllBytes(path, EncoderExporter.Export(encoder, 16, foldBatchNorm: false, null));
        else
            TorchWeightFiles.Write(encoder, path, safetensors: extension == ".safetensors");
        return path;
    }
}
