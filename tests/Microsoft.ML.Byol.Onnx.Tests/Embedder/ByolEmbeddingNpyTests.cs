using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>.npy written from the streaming results: header and data parse back exactly; keys alongside.</summary>
public sealed class ByolEmbeddingNpyTests : IDisposable
{
    private readonly EmbedderFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Npy_RoundTrips_HeaderKeysAndVectorsExactly()
    {
        var (paths, broken) = StreamingFiles.Write(_files.Folder, 90, brokenEvery: 15);
        using var embedder = ByolEmbedder.Load(_files.EncoderPath, new ByolEmbedderOptions { BatchSize = 16, IntraOpThreads = 1 });
        var good = embedder.EmbedEachFile(paths).Where(e => e.Succeeded).ToList();
        string npy = Path.Combine(_files.Folder, "out.npy");

        var result = await ByolEmbeddingWriter.WriteNpyAsync(embedder.EmbedEachFileAsync(paths), npy);

        result.Written.Should().Be(good.Count);
        result.Failed.Should().Be(broken.Count(b => b));
        byte[] bytes = File.ReadAllBytes(npy);
        bytes.AsSpan(0, 6).ToArray().Should().Equal(0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y');
        (bytes[6], bytes[7]).Should().Be(((byte)1, (byte)0));
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        ((10 + headerLength) % 64).Should().Be(0, "numpy aligns the data to 64 bytes");
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);
        header.Should().EndWith("\n");
        header.Should().Contain("'descr': '<f4'").And.Contain("'fortran_order': False");
        var shape = Regex.Match(header, @"'shape': \((\d+), (\d+)\)");
        shape.Success.Should().BeTrue(header);
        int rows = int.Parse(shape.Groups[1].Value), size = int.Parse(shape.Groups[2].Value);
        (rows, size).Should().Be((good.Count, embedder.EmbeddingSize));
        bytes.Length.Should().Be(10 + headerLength + rows * size * 4);

        for (int r = 0; r < rows; r++)
        {
            var vector = new float[size];
            for (int c = 0; c < size; c++)
            {
                vector[c] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(10 + headerLength + (r * size + c) * 4));
            }

            vector.Should().Equal(good[r].Vector, good[r].Key);
        }

        File.ReadAllLines(npy + ".keys.txt").Should().Equal(good.Select(e => e.Key));
        File.ReadAllLines(result.ErrorsPath).Should().HaveCount(1 + broken.Count(b => b));
    }
}
