using System.Globalization;

namespace Microsoft.ML.Byol.Cli.Tests;

/// <summary>embed → index → search on a random-weight encoder (no training): Parquet and .npy, errors, USearch and exact search.</summary>
public sealed class EmbedSearchTests : IDisposable
{
    private readonly ImageFolder _images = new(30, size: 40, seed: 3, withBrokenFile: true);
    private readonly string _encoder;

    public EmbedSearchTests()
    {
        _encoder = _images.PathIn("encoder.onnx");
        File.WriteAllBytes(_encoder, TestEncoder.Bytes);
    }

    public void Dispose() => _images.Dispose();

    [Fact]
    public async Task EmbedCountsTheBrokenImage_IndexesTheRest_AndEachQueryFindsItselfFirst()
    {
        string parquet = _images.PathIn("out/embeddings.parquet");
        string index = _images.PathIn("out/embeddings.usearch");
        var embed = await CliRun.RunAsync("embed", "--encoder", _encoder, "--images", _images.Folder, "--out", parquet, "--index", index, "--batch-size", "8");
        embed.ExitCode.Should().Be(0, embed.ToString());
        embed.Out.Should().Contain("30 embedded, 1 failed");
        embed.Error.Should().Contain("1 of 31 images could not be embedded").And.Contain("broken.png");
        File.ReadAllText(parquet + ".errors.csv").Should().Contain("broken.png");
        File.Exists(index).Should().BeTrue();
        File.ReadAllText(index + ".json").Should().Contain("\"dimensions\": " + TestEncoder.EmbeddingSize);

        foreach (int q in new[] { 0, 7, 29 })
        {
            string query = _images.Images[q];
            var search = await CliRun.RunAsync("search", "--index", index, "--query", query, "-k", "5", "--tsv");
            search.ExitCode.Should().Be(0, search.ToString());
            var lines = search.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            lines.Should().HaveCount(5);
            var first = lines[0].Split('\t');
            first[0].Should().Be("1");
            first[2].Should().Be(query, "an image indexed is its own nearest neighbour");
            float.Parse(first[1], CultureInfo.InvariantCulture).Should().BeLessThan(1e-4f);

            var exact = await CliRun.RunAsync("search", "--index", index, "--query", query, "-k", "5", "--tsv", "--exact");
            exact.ExitCode.Should().Be(0, exact.ToString());
            var exactLines = exact.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            exactLines.Select(l => l.Split('\t')[2]).Should().Equal(lines.Select(l => l.Split('\t')[2]), "USearch finds the exact neighbours of 30 vectors");
        }

        var table = await CliRun.RunAsync("search", "--index", index, "--query", _images.Images[3], "-k", "3");
        table.ExitCode.Should().Be(0, table.ToString());
        table.Out.Should().Contain("00003.png").And.Contain("USearch");
    }

    [Fact]
    public async Task IndexCommandBuildsTheSameIndexFromTheParquet_AndSearchTakesTheEncoderGiven()
    {
        string parquet = _images.PathIn("e.parquet");
        (await CliRun.RunAsync("embed", "--encoder", _encoder, "--images", _images.Folder, "--out", parquet)).ExitCode.Should().Be(0);
        string index = _images.PathIn("e.usearch");
        var build = await CliRun.RunAsync("index", "--embeddings", parquet, "--out", index);
        build.ExitCode.Should().Be(0, build.ToString());
        build.Out.Should().Contain("30 vectors of " + TestEncoder.EmbeddingSize);

        var noEncoder = await CliRun.RunAsync("search", "--index", index, "--query", _images.Images[5]);
        noEncoder.ExitCode.Should().Be(2, noEncoder.ToString());
        noEncoder.Error.Should().Contain("give --encoder");

        var search = await CliRun.RunAsync("search", "--index", index, "--query", _images.Images[5], "--encoder", _encoder, "-k", "1", "--tsv");
        search.ExitCode.Should().Be(0, search.ToString());
        search.Out.Split('\t')[2].Trim().Should().Be(_images.Images[5]);
    }

    [Fact]
    public async Task EmbedFromAListToNpy()
    {
        string list = _images.PathIn("list.txt");
        File.WriteAllLines(list, new[] { "# three images and a missing one", "images/00001.png", "", "images/00002.png", "images/missing.png", _images.Images[4] });
        string npy = _images.PathIn("e.npy");
        var run = await CliRun.RunAsync("embed", "--encoder", _encoder, "--list", list, "--out", npy);
        run.ExitCode.Should().Be(0, run.ToString());
        run.Out.Should().Contain("3 embedded, 1 failed");
        File.ReadAllLines(npy + ".keys.txt").Should().Equal(_images.Images[1], _images.Images[2], _images.Images[4]);
    }

    [Fact]
    public async Task EmbedWhereNoImageCanBeRead_Exits1()
    {
        string folder = _images.PathIn("all-broken");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "a.png"), "not a png");
        File.WriteAllText(Path.Combine(folder, "b.jpg"), "not a jpeg");
        var run = await CliRun.RunAsync("embed", "--encoder", _encoder, "--images", folder, "--out", _images.PathIn("none.parquet"));
        run.ExitCode.Should().Be(1, run.ToString());
        run.Error.Should().Contain("No image could be embedded");
    }
}
