using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Cli.Tests;

/// <summary>
/// The tool as a user runs it: pretrain (tiny ResNet-18, 16 px, a few steps, fixed seed) on a folder with a broken
/// file → encoder, checkpoints, log; export of a checkpoint (ONNX and Triton); embed with an index; search, where
/// each query image finds itself first.
/// </summary>
public sealed class EndToEndTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly ImageFolder _images = new(24, size: 24, seed: 5, withBrokenFile: true);

    public EndToEndTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _images.Dispose();

    // About 20 s on 2 shared cores (libtorch start, 4 steps, two exports, embedding, three searches).
    [Trait("Category", "Slow")]
    [Fact]
    public async Task PretrainEmbedSearchExport()
    {
        string run = _images.PathIn("run");
        var pretrain = await CliRun.RunAsync("pretrain", "--images", _images.Folder, "--out", run, "--arch", "ResNet18", "--width", "0.125",
            "--image-size", "16", "--epochs", "2", "--batch-size", "8", "--max-steps", "4", "--seed", "7", "--checkpoint-every", "2", "--threads", "2",
            "--reduced-decoding");
        _output.WriteLine(pretrain.ToString());
        pretrain.ExitCode.Should().Be(0);
        pretrain.Out.Should().Contain("25 image files").And.Contain("encoder: ").And.Contain("4 steps");
        string encoder = Path.Combine(run, "encoder.onnx");
        var info = ByolEncoderInfo.FromOnnx(encoder);
        info.Architecture.Should().Be(ByolArchitecture.ResNet18);
        info.ImageSize.Should().Be(25, "trained on 16 px crops, embedded at their mean zoom, 1.56 × that");
        info.EmbeddingSize.Should().Be(64);
        var checkpoints = Directory.GetFiles(Path.Combine(run, "checkpoints"), "byol-step-*.ckpt").Order(StringComparer.Ordinal).ToList();
        checkpoints.Should().NotBeEmpty();
        string log = File.ReadAllText(Path.Combine(run, "pretrain.log"));
        log.Should().Contain("step 4/4").And.Contain("BYOL").And.Contain("broken.png", "the skipped file is named in the log");
        log.Should().Contain("ReducedSizeDecoding", "--reduced-decoding reaches the training cache");
        File.ReadAllText(Path.Combine(run, "pretrain.json")).Should().Contain("\"architecture\": \"ResNet18\"");

        // The newest checkpoint is the end of the run: its export scores like encoder.onnx.
        string fromCheckpoint = _images.PathIn("from-checkpoint.onnx");
        var export = await CliRun.RunAsync("export", "--checkpoint", checkpoints[^1], "--out", fromCheckpoint, "--triton", _images.PathIn("triton"));
        _output.WriteLine(export.ToString());
        export.ExitCode.Should().Be(0);
        ByolEncoderInfo.FromOnnx(fromCheckpoint).EmbeddingSize.Should().Be(64);
        File.Exists(_images.PathIn("triton/byol_encoder/config.pbtxt")).Should().BeTrue();
        using (var a = ByolEmbedder.Load(encoder))
        using (var b = ByolEmbedder.Load(fromCheckpoint))
        {
            var x = a.EmbedFiles(_images.Images.Take(4).ToList());
            var y = b.EmbedFiles(_images.Images.Take(4).ToList());
            for (int i = 0; i < x.Length; i++)
                x[i].Zip(y[i], (p, q) => Math.Abs(p - q)).Max().Should().BeLessThan(1e-4f);
        }

        string parquet = _images.PathIn("embeddings.parquet"), index = _images.PathIn("embeddings.usearch");
        var embed = await CliRun.RunAsync("embed", "--encoder", encoder, "--images", _images.Folder, "--out", parquet, "--index", index);
        _output.WriteLine(embed.ToString());
        embed.ExitCode.Should().Be(0);
        embed.Out.Should().Contain("24 embedded, 1 failed");

        foreach (int q in new[] { 0, 11, 23 })
        {
            var search = await CliRun.RunAsync("search", "--index", index, "--query", _images.Images[q], "-k", "10", "--tsv");
            _output.WriteLine(search.ToString());
            search.ExitCode.Should().Be(0);
            var lines = search.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Should().HaveCount(10);
            lines[0].Split('\t')[2].Should().Be(_images.Images[q], "the query image finds itself first");
        }
    }
}
