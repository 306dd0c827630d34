using Microsoft.ML.Data;
using Microsoft.ML.Byol.Onnx.Tests.Support;
using Microsoft.ML.Byol.Onnx.Tests.Transformer;

namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>How images are cut into runs does not change the embeddings.</summary>
public sealed class ByolEmbedderBatchingTests : IDisposable
{
    private readonly EmbedderFiles _files = new();

    public void Dispose() => _files.Dispose();

    private ByolEmbedder Open(int batchSize) =>
        ByolEmbedder.Load(_files.EncoderPath, new ByolEmbedderOptions { BatchSize = batchSize, IntraOpThreads = 1 });

    [Fact]
    public void BatchSizes1_7_32_GiveTheSameEmbeddings()
    {
        string[] paths = _files.Pngs(11);
        float[][] Embed(int batchSize)
        {
            using var embedder = Open(batchSize);
            embedder.BatchSize.Should().Be(batchSize);
            return embedder.EmbedFiles(paths);
        }

        var one = Embed(1);
        // One intra-op thread: ONNX Runtime's CPU kernels then give each image the same bits whatever the batch.
        EmbedderAssert.Identical(Embed(7), one, "batch 7 (one full batch and a ragged one)");
        EmbedderAssert.Identical(Embed(32), one, "batch 32 (one ragged batch)");
        Embeddings.ShouldBeInformative(one);
    }

    [Fact]
    public void MoreImagesThanBatchSize_WithARaggedLastBatch_KeepTheirOrder()
    {
        using var embedder = Open(batchSize: 4);
        var pixels = Pictures.Pixels(new MLContext(seed: 1), Pictures.Create(10));

        var fromImages = embedder.Embed(Pictures.Create(10));
        var fromPixels = embedder.EmbedPixels(pixels.SelectMany(p => p).ToArray(), 10);

        EmbedderAssert.Close(fromImages, TestEncoder.Run(pixels), because: "10 images in runs of 4, 4 and 2");
        EmbedderAssert.Close(fromPixels, TestEncoder.Run(pixels));
    }

    [Fact]
    public void NothingToEmbed_GivesNoEmbeddings()
    {
        using var embedder = Open(batchSize: 4);

        embedder.Embed(Array.Empty<MLImage>()).Should().BeEmpty();
        embedder.EmbedFiles(Array.Empty<string>()).Should().BeEmpty();
        embedder.EmbedPixels(ReadOnlySpan<float>.Empty, 0).Should().BeEmpty();
    }
}
