namespace Microsoft.ML.Byol.Cli.Tests;

/// <summary>Bad input gives a clear message on standard error and a non-zero exit code, before any work is done.</summary>
public sealed class BadInputTests : IDisposable
{
    private readonly ImageFolder _images = new(3);

    public void Dispose() => _images.Dispose();

    [Fact]
    public async Task PretrainOnAMissingFolder_Exits2NamingIt()
    {
        string missing = _images.PathIn("no-such-folder");
        var run = await CliRun.RunAsync("pretrain", "--images", missing, "--out", _images.PathIn("run"));
        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("byol pretrain: error:").And.Contain(missing).And.Contain("does not exist");
    }

    [Fact]
    public async Task PretrainOnAFolderWithoutImages_Exits2()
    {
        string empty = _images.PathIn("empty");
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "no images here");
        var run = await CliRun.RunAsync("pretrain", "--images", empty, "--out", _images.PathIn("run"));
        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("holds no image files");
    }

    [Fact]
    public async Task PretrainWithAMissingInitialEncoder_Exits2()
    {
        var run = await CliRun.RunAsync("pretrain", "--images", _images.Folder, "--out", _images.PathIn("run"), "--initial-encoder", _images.PathIn("none.onnx"));
        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("none.onnx").And.Contain("does not exist");
    }

    [Fact]
    public async Task EmbedWithAnUnreadableEncoder_Exits2()
    {
        string encoder = _images.PathIn("garbage.onnx");
        File.WriteAllText(encoder, "not an ONNX model");
        var run = await CliRun.RunAsync("embed", "--encoder", encoder, "--images", _images.Folder, "--out", _images.PathIn("e.parquet"));
        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("Cannot read the encoder").And.Contain("garbage.onnx");
        File.Exists(_images.PathIn("e.parquet")).Should().BeFalse();
    }

    [Fact]
    public async Task EmbedWithAMissingEncoder_Exits2()
    {
        var run = await CliRun.RunAsync("embed", "--encoder", _images.PathIn("none.onnx"), "--images", _images.Folder, "--out", _images.PathIn("e.parquet"));
        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("none.onnx").And.Contain("does not exist");
    }

    [Theory]
    [InlineData("pretrain", "--image-size", "abc")]
    [InlineData("pretrain", "--image-size", "0")]
    [InlineData("pretrain", "--width", "-0.5")]
    [InlineData("pretrain", "--max-steps", "-1")]
    [InlineData("embed", "--batch-size", "x")]
    [InlineData("search", "-k", "0")]
    public async Task ANumberOutOfRangeOrNotANumber_IsAParseErrorNamingTheOption(string command, string option, string value)
    {
        string[] required = command switch
        {
            "pretrain" => ["--images", _images.Folder, "--out", _images.PathIn("run")],
            "embed" => ["--encoder", _images.PathIn("e.onnx"), "--images", _images.Folder, "--out", _images.PathIn("e.parquet")],
            _ => ["--index", _images.PathIn("index"), "--query", _images.PathIn("q.png")],
        };
        var run = await CliRun.RunAsync([command, .. required, option, value]);
        run.ExitCode.Should().NotBe(0, run.ToString());
        run.Error.Should().Contain(option, run.ToString()).And.NotContain("   at ", "a parse error is reported, not thrown");
        Directory.Exists(_images.PathIn("run")).Should().BeFalse("nothing runs after a parse error");
    }

    [Fact]
    public async Task EmbedWithBothOrNeitherInput_IsAParseError()
    {
        string list = _images.PathIn("list.txt");
        File.WriteAllLines(list, _images.Images);
        var both = await CliRun.RunAsync("embed", "--encoder", "e.onnx", "--images", _images.Folder, "--list", list, "--out", "x.parquet");
        both.ExitCode.Should().NotBe(0);
        both.Error.Should().Contain("exactly one of --images DIR and --list FILE");
        var neither = await CliRun.RunAsync("embed", "--encoder", "e.onnx", "--out", "x.parquet");
        neither.ExitCode.Should().NotBe(0);
        neither.Error.Should().Contain("exactly one of --images DIR and --list FILE");
    }

    [Fact]
    public async Task SearchWithAMissingIndex_Exits2()
    {
        var run = await CliRun.RunAsync("search", "--index", _images.PathIn("none.usearch"), "--query", _images.Images[0]);
        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("none.usearch").And.Contain("does not exist");
    }

    [Fact]
    public async Task IndexOfAFileThatIsNotEmbeddings_Exits2()
    {
        string notParquet = _images.PathIn("x.parquet");
        File.WriteAllText(notParquet, "not parquet");
        var run = await CliRun.RunAsync("index", "--embeddings", notParquet, "--out", _images.PathIn("x.usearch"));
        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("Cannot read the embeddings file");
    }

    [Fact]
    public async Task ExportWithAMissingCheckpoint_Exits2_AndWithoutOutput_IsAParseError()
    {
        var missing = await CliRun.RunAsync("export", "--checkpoint", _images.PathIn("none.ckpt"), "--out", _images.PathIn("x.onnx"));
        missing.ExitCode.Should().Be(2, missing.ToString());
        missing.Error.Should().Contain("none.ckpt").And.Contain("does not exist");
        var noOutput = await CliRun.RunAsync("export", "--checkpoint", _images.PathIn("none.ckpt"));
        noOutput.ExitCode.Should().NotBe(0);
        noOutput.Error.Should().Contain("--out F.onnx and/or --triton DIR");
    }

    [Fact]
    public async Task HelpListsTheFiveCommands()
    {
        var run = await CliRun.RunAsync("--help");
        run.ExitCode.Should().Be(0);
        run.Out.Should().Contain("pretrain").And.Contain("embed").And.Contain("index").And.Contain("search").And.Contain("export");
    }
}
