using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>Parquet written from the streaming results reads back exactly (keys, vectors, order); errors to the CSV.</summary>
public sealed class ByolEmbeddingWriterTests : IDisposable
{
    private readonly EmbedderFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Parquet_RoundTrips_KeysAndVectorsExactly_InRowGroups_ErrorsBeside()
    {
        var (paths, broken) = StreamingFiles.Write(_files.Folder, 230, brokenEvery: 20);
        using var embedder = ByolEmbedder.Load(_files.EncoderPath, new ByolEmbedderOptions { BatchSize = 16, IntraOpThreads = 1 });
        var expected = embedder.EmbedEachFile(paths).ToList();
        string parquet = Path.Combine(_files.Folder, "out.parquet");

        var result = await ByolEmbeddingWriter.WriteParquetAsync(embedder.EmbedEachFileAsync(paths), parquet, rowGroupSize: 50);

        var good = expected.Where(e => e.Succeeded).ToList();
        result.Written.Should().Be(good.Count);
        result.Failed.Should().Be(broken.Count(b => b));

        var keys = new List<string>();
        var vectors = new List<float[]>();
        await using (var reader = await ParquetReader.CreateAsync(parquet))
        {
            reader.CustomMetadata[ByolEmbeddingWriter.EmbeddingSizeKey].Should().Be(embedder.EmbeddingSize.ToString(CultureInfo.InvariantCulture));
            reader.RowGroupCount.Should().Be((good.Count + 49) / 50);
            var fields = reader.Schema.GetDataFields();
            fields.Select(f => f.Path.ToString()).Should().HaveCount(2);
            reader.Schema.Fields[1].Should().BeOfType<ListField>();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                int rows = (int)group.RowCount, size = embedder.EmbeddingSize;
                var keyBuffer = new string?[rows];
                await group.ReadAsync(fields[0], keyBuffer.AsMemory(), null);
                var values = new float[rows * size];
                var repetition = new int[rows * size];
                var definition = new int[rows * size];
                await group.ReadRawAsync<float>(fields[1], values.AsMemory(), definition.AsMemory(), repetition.AsMemory());
                definition.Should().OnlyContain(d => d == fields[1].MaxDefinitionLevel, "no list and no element is null");
                repetition.Where((r, i) => r != (i % size == 0 ? 0 : 1)).Should().BeEmpty("each row is one list of EmbeddingSize values");
                keys.AddRange(keyBuffer.Select(k => k!));
                for (int r = 0; r < rows; r++)
                {
                    vectors.Add(values.AsSpan(r * size, size).ToArray());
                }
            }
        }

        keys.Should().Equal(good.Select(e => e.Key));
        for (int i = 0; i < good.Count; i++)
        {
            vectors[i].Should().Equal(good[i].Vector, good[i].Key);
        }

        var lines = File.ReadAllLines(result.ErrorsPath);
        lines[0].Should().Be("index,key,error_type,message");
        lines.Skip(1).Select(l => l.Split(',')[1]).Should().Equal(expected.Where(e => !e.Succeeded).Select(e => e.Key));
        lines.Skip(1).Should().OnlyContain(l => l.Contains("System.IO."));
    }
}
