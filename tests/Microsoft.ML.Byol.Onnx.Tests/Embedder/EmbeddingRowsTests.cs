namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>
/// The rows both writers take from a stream (EmbeddingFiles/EmbeddingRows): failures go to the errors file, and an
/// embedding of another length than the ones before stops the write, naming its key.
/// </summary>
public sealed class EmbeddingRowsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("byol-embedding-rows-").FullName;

    public static TheoryData<string> Formats => new() { "parquet", "npy" };

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task An_embedding_of_another_length_stops_the_write_after_the_failures_before_it(string format)
    {
        string path = Path.Combine(_folder, "out." + format);
        var embeddings = Stream(
            new ByolEmbedding(0, "a", [1f, 2f, 3f], null),
            new ByolEmbedding(1, "broken, really", null, new InvalidDataException("cannot decode")),
            new ByolEmbedding(2, "b", [4f, 5f], null),
            new ByolEmbedding(3, "late", null, new FileNotFoundException("gone")));

        var write = () => format == "parquet"
            ? ByolEmbeddingWriter.WriteParquetAsync(embeddings, path)
            : ByolEmbeddingWriter.WriteNpyAsync(embeddings, path);

        (await write.Should().ThrowAsync<InvalidDataException>()).WithMessage("Embedding of 'b' has 2 values, the ones before 3.");
        File.ReadAllLines(path + ".errors.csv").Should().Equal(
            "index,key,error_type,message",
            "1,\"broken, really\",System.IO.InvalidDataException,cannot decode");
    }

    private static async IAsyncEnumerable<ByolEmbedding> Stream(params ByolEmbedding[] embeddings)
    {
        foreach (var embedding in embeddings)
        {
            await Task.Yield();
            yield return embedding;
        }
    }
}
