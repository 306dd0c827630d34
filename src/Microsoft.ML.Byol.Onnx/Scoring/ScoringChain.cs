using Microsoft.ML.Byol.Input;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Scoring;

/// <summary>
/// The per-row chain of ML.NET transformers built for one input format, and where the batched path finds its pixels:
/// <see cref="PixelColumn"/> after <see cref="Preprocess"/> (ResizeImages → ExtractPixels, the chain's own first two
/// transformers) for images, or the input column itself (no preprocessing) for float vectors.
/// </summary>
internal sealed record ScoringChain(
    InputFormat Format, TransformerChain<ITransformer> Chain, ITransformer? Preprocess, string PixelColumn);
