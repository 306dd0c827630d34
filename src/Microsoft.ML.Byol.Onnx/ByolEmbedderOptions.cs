using Microsoft.ML.Byol.Embedding;

namespace Microsoft.ML.Byol;

/// <summary>How a <see cref="ByolEmbedder"/> runs its ONNX Runtime session.</summary>
public sealed class ByolEmbedderOptions
{
    /// <summary>Most images per ONNX Runtime run (the encoder's batch dimension is symbolic). Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// CUDA device to run on (null: CPU). Needs an ONNX Runtime GPU native package (e.g. Microsoft.ML.OnnxRuntime.Gpu)
    /// in the application, and CUDA on the machine.
    /// </summary>
    public int? GpuDeviceId { get; set; }

    /// <summary>When <see cref="GpuDeviceId"/> is set but CUDA cannot be used: true runs on the CPU, false throws.</summary>
    public bool FallbackToCpu { get; set; } = true;

    /// <summary>Threads ONNX Runtime uses inside one operator (null: ONNX Runtime's default, one per physical core).</summary>
    public int? IntraOpThreads { get; set; }

    /// <summary>
    /// Largest image decoded, in pixels (width × height; default 100 000 000). <see cref="ByolEmbedder.EmbedFiles"/>
    /// reads the size each file declares in its header and refuses a larger one with an
    /// <see cref="InvalidDataException"/> naming the file, before any pixel memory is allocated: a small compressed
    /// file can declare an image of many gigabytes. <see cref="ByolEmbedder.Embed"/> refuses larger in-memory images
    /// too, but those are decoded already.
    /// </summary>
    public long MaxImagePixels { get; set; } = ImageLimits.DefaultMaxPixels;

    /// <summary>
    /// Decode JPEG and WebP files at 1/2, 1/4 or 1/8 of their size (the codec's own reduced decoding: JPEG's DCT
    /// scaling) when the short side stays at least twice the encoder's input, then resize as usual. Photos of several
    /// megapixels decode several times faster. Default false: the pixels of <see cref="ByolTransformer"/>'s ML.NET chain
    /// (<c>LoadImages</c> → <c>ResizeImages</c> → <c>ExtractPixels</c>) exactly. When true, the pixels reach the encoder
    /// after an area-like reduction instead of the full-size resize, so embeddings differ slightly from the
    /// transformer's (docs/embedder.md gives the measured distance); PNG and other formats are unaffected. Applies to
    /// files and streams (<see cref="ByolEmbedder.EmbedFiles"/>, <see cref="ByolEmbedder.EmbedEachFile"/>,
    /// <see cref="ByolEmbedder.EmbedEachStream"/> and their asynchronous twins), not to in-memory images.
    /// </summary>
    public bool ReducedSizeDecoding { get; set; }
}
