using System.Text.RegularExpressions;

namespace Microsoft.ML.Byol.Cli.Tests;

/// <summary>byol export --triton: the written config.pbtxt agrees with the encoder's own metadata and graph.</summary>
public sealed class TritonRepositoryTests : IDisposable
{
    private readonly TempFolder _folder = new("byol-triton-");

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task ConfigMatchesTheEncoderMetadata_AndTheModelIsCopied()
    {
        string encoder = Path.Combine(_folder.Path, "encoder.onnx");
        File.WriteAllBytes(encoder, TestEncoder.Bytes);
        var info = ByolEncoderInfo.FromOnnx(encoder);
        string repository = Path.Combine(_folder.Path, "models");

        var run = await CliRun.RunAsync("export", "--encoder", encoder, "--triton", repository, "--model-name", "photos", "--max-batch-size", "16");
        run.ExitCode.Should().Be(0, run.ToString());

        File.ReadAllBytes(Path.Combine(repository, "photos", "1", "model.onnx")).Should().Equal(File.ReadAllBytes(encoder));
        string config = File.ReadAllText(Path.Combine(repository, "photos", "config.pbtxt"));
        string Field(string block, string name) => Regex.Match(block, $@"^\s*{name}: (.+)$", RegexOptions.Multiline).Groups[1].Value.Trim();
        string Block(string name) => Regex.Match(config, $@"^{name} \[\n  \{{\n(.*?)\n  \}}\n\]", RegexOptions.Multiline | RegexOptions.Singleline).Groups[1].Value;

        Field(config, "name").Should().Be("\"photos\"");
        Field(config, "platform").Should().Be("\"onnxruntime_onnx\"");
        Field(config, "max_batch_size").Should().Be("16");
        config.Should().MatchRegex(@"(?m)^dynamic_batching \{");

        string input = Block("input"), output = Block("output");
        Field(input, "name").Should().Be($"\"{info.OnnxInputName}\"");
        Field(input, "data_type").Should().Be("TYPE_FP32");
        Field(input, "dims").Should().Be($"[ 3, {info.ImageSize}, {info.ImageSize} ]");
        Field(output, "name").Should().Be($"\"{info.OnnxOutputName}\"");
        Field(output, "data_type").Should().Be("TYPE_FP32");
        Field(output, "dims").Should().Be($"[ {info.EmbeddingSize} ]");
    }

    [Fact]
    public void OnnxElementTypesMapToTritonTypes()
    {
        TritonRepository.TritonType(1).Should().Be("TYPE_FP32");
        TritonRepository.TritonType(10).Should().Be("TYPE_FP16");
        TritonRepository.TritonType(3).Should().Be("TYPE_INT8");
        TritonRepository.TritonType(2).Should().Be("TYPE_UINT8");
        FluentActions.Invoking(() => TritonRepository.TritonType(8)).Should().Throw<CliException>();
    }

    [Fact]
    public async Task ABadModelNameIsRejected()
    {
        string encoder = Path.Combine(_folder.Path, "encoder.onnx");
        File.WriteAllBytes(encoder, TestEncoder.Bytes);
        var run = await CliRun.RunAsync("export", "--encoder", encoder, "--triton", _folder.Path, "--model-name", "my model");
        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("not a Triton model name");
    }
}
