using Microsoft.ML.Byol.Graph;
using Microsoft.ML.Byol.Onnx.Tests.Support;
using Microsoft.ML.Byol.Scoring;

namespace Microsoft.ML.Byol.Onnx.Tests.Transformer;

public sealed class ByolOnnxCatalogTests : IDisposable
{
    private readonly MLContext _ml = new(seed: 1);
    private readonly List<string> _files = new();

    public void Dispose() => _files.ForEach(File.Delete);

    [Fact]
    public void ApplyByolEncoder_FromFile_Scores()
    {
        string path = Track(TestEncoder.WriteToTempFile());

        using var byol = _ml.Transforms.ApplyByolEncoder(path);

        byol.InputColumnName.Should().Be("Image");
        byol.OutputColumnName.Should().Be("Embedding");
        var actual = Pictures.Column(byol.Transform(Pictures.View(_ml, Pictures.Create(2))), "Embedding");
        Embeddings.ShouldMatch(actual, TestEncoder.Run(Pictures.Pixels(_ml, Pictures.Create(2))));
    }

    [Fact]
    public void ApplyByolEncoder_OfAnOnnxModelThatIsNotAnEncoder_NamesThePath()
    {
        var writer = new OnnxGraphWriter("not_byol");
        string x = writer.AddInput("x", 4);
        writer.AddOutput(writer.Relu(x), 4);
        string path = Track(Path.Combine(Path.GetTempPath(), $"not-byol-{Guid.NewGuid():N}.onnx"));
        File.WriteAllBytes(path, writer.ToBytes());

        var act = () => _ml.Transforms.ApplyByolEncoder(path);

        act.Should().Throw<InvalidDataException>().WithMessage($"*'{path}' is not a BYOL encoder*byol.format_version*");
    }

    [Fact]
    public void ApplyByolEncoder_OfAMissingFile_Throws()
    {
        string path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.onnx");

        var act = () => _ml.Transforms.ApplyByolEncoder(path);

        act.Should().Throw<FileNotFoundException>().WithMessage($"*{path}*");
    }

    [Fact]
    public void Create_OverAnEnvironmentThatIsNotAnMLContext_Works()
    {
        var env = MlNetInternals.EnvironmentOf(_ml.Transforms);
        env.Should().NotBeOfType<MLContext>();

        using var byol = ByolTransformer.Create(_ml.Transforms, TestEncoder.Bytes, "Embedding", "Image", null, true);

        var actual = Pictures.Column(byol.Transform(Pictures.View(_ml, Pictures.Create(1))), "Embedding");
        Embeddings.ShouldMatch(actual, TestEncoder.Run(Pictures.Pixels(_ml, Pictures.Create(1))));
    }

    private string Track(string path)
    {
        _files.Add(path);
        return path;
    }
}
