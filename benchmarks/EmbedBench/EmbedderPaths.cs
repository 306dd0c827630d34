using Microsoft.ML.Byol;

namespace EmbedBench;

/// <summary>(a) ByolEmbedder.Embed on MLImages (resize + pixels + batched runs).</summary>
internal sealed class EmbedderPath(string onnxPath, int batchSize) : BenchPath("a", "ByolEmbedder.Embed (MLImage, batched)")
{
    private readonly ByolEmbedder _embedder = ByolEmbedder.Load(onnxPath, new ByolEmbedderOptions { BatchSize = batchSize });

    public override Action Prepare(int count, int seed)
    {
        var images = Inputs.Images(count, seed);
        return () => _embedder.Embed(images);
    }

    public override void Dispose() => _embedder.Dispose();
}

/// <summary>(a-px) ByolEmbedder.EmbedPixels on pixels already resized: ONNX Runtime alone, batched.</summary>
internal sealed class EmbedderPixelsPath(string onnxPath, int batchSize, int imageSize)
    : BenchPath("a-px", "ByolEmbedder.EmbedPixels (ready floats, batched)")
{
    private readonly ByolEmbedder _embedder = ByolEmbedder.Load(onnxPath, new ByolEmbedderOptions { BatchSize = batchSize });

    public override Action Prepare(int count, int seed)
    {
        var pixels = Inputs.Pixels(count, imageSize, seed);
        return () => _embedder.EmbedPixels(pixels, count);
    }

    public override void Dispose() => _embedder.Dispose();
}
