using ByolFashionMnist;
using Microsoft.ML.Byol;

namespace FashionMnistQuality;

/// <summary>
/// Embeddings of both splits by an exported encoder (ONNX), through <see cref="ByolEmbedder"/>: at 28 px straight from
/// the pixels; at other sizes from 28 px MLImages, which the embedder resizes exactly as ML.NET's ResizeImages
/// (iso crop) → ExtractPixels do, as <see cref="ByolTransformer"/> does.
/// </summary>
internal static class EncoderFeatures
{
    private const int Chunk = 2048;

    public static (float[][] Train, float[][] Test) Embed(string onnx, FashionMnistSplit train, FashionMnistSplit test)
    {
        using var embedder = ByolEmbedder.Load(onnx, new ByolEmbedderOptions { BatchSize = 128 });
        return (Of(embedder, train), Of(embedder, test));
    }

    public static float[][] Of(ByolEmbedder embedder, FashionMnistSplit split, int? count = null)
    {
        int n = Math.Min(split.Count, count ?? split.Count);
        if (embedder.EncoderInfo.ImageSize == 28 && n == split.Count)
            return embedder.EmbedPixels(split.PlanarRgb(), split.Count);
        var result = new float[n][];
        for (int start = 0; start < n; start += Chunk)
        {
            var images = split.Rows.Skip(start).Take(Math.Min(Chunk, n - start)).Select(r => GreyImageView.ToImage(r.Image)).ToList();
            embedder.Embed(images).CopyTo(result, start);
        }
        return result;
    }
}
