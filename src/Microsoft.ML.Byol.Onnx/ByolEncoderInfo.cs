using Google.Protobuf;
using Microsoft.ML.Byol.Graph;

namespace Microsoft.ML.Byol;

/// <summary>
/// What a BYOL encoder's ONNX file says about itself (its <c>metadata_props</c>): the network, the image size it
/// expects, how pixels are normalised, the size of the embedding, the ONNX input and output names, and a summary of
/// the training that produced it.
/// </summary>
public sealed partial class ByolEncoderInfo
{
    internal ByolEncoderInfo(
        ByolArchitecture architecture, float widthMultiplier, bool smallImageStem, int imageSize, int embeddingSize,
        IReadOnlyList<float> mean, IReadOnlyList<float> std, string channelOrder, string pixelFormat,
        string onnxInputName, string onnxOutputName, IReadOnlyDictionary<string, string> trainingSummary,
        IReadOnlyList<int>? blocksPerStage = null, ByolOnnxPrecision precision = ByolOnnxPrecision.Float32)
    {
        Precision = precision;
        Architecture = architecture;
        Layout = new ResNetLayout(architecture, widthMultiplier, smallImageStem, blocksPerStage);
        BlocksPerStage = Layout.BlocksPerStage;
        WidthMultiplier = widthMultiplier;
        SmallImageStem = smallImageStem;
        ImageSize = imageSize;
        EmbeddingSize = embeddingSize;
        Mean = Array.AsReadOnly(mean.ToArray());
        Std = Array.AsReadOnly(std.ToArray());
        ChannelOrder = channelOrder;
        PixelFormat = pixelFormat;
        OnnxInputName = onnxInputName;
        OnnxOutputName = onnxOutputName;
        TrainingSummary = new Dictionary<string, string>(trainingSummary, StringComparer.Ordinal).AsReadOnly();
        Training = ByolTrainingInfo.FromSummary(TrainingSummary);
    }

    /// <summary>The ResNet family of the encoder.</summary>
    public ByolArchitecture Architecture { get; }

    /// <summary>Channel width multiplier applied to every layer (1 = the standard ResNet).</summary>
    public float WidthMultiplier { get; }

    /// <summary>True when the stem is a 3×3 stride-1 convolution with no max-pool (for small images).</summary>
    public bool SmallImageStem { get; }

    /// <summary>
    /// Number of residual blocks in each of the four stages: the architecture's standard counts (ResNet-18: 2, 2, 2, 2)
    /// unless the file says otherwise (ML.NET's DnnImageFeaturizer ResNet-18: 2, 2, 2, 3).
    /// </summary>
    public IReadOnlyList<int> BlocksPerStage { get; }

    /// <summary>The network these entries describe.</summary>
    internal ResNetLayout Layout { get; }

    /// <summary>Side of the square image the encoder takes (the training crop size).</summary>
    public int ImageSize { get; }

    /// <summary>Length of the embedding vector the encoder outputs.</summary>
    public int EmbeddingSize { get; }

    /// <summary>Per-channel mean (R, G, B) subtracted inside the graph from pixels in [0, 1].</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>Per-channel standard deviation (R, G, B) the centred pixels are divided by inside the graph.</summary>
    public IReadOnlyList<float> Std { get; }

    /// <summary>Order of the colour planes of the input ("RGB").</summary>
    public string ChannelOrder { get; }

    /// <summary>A human-readable description of the input pixels (e.g. "input is float RGB in [0,1], CHW").</summary>
    public string PixelFormat { get; }

    /// <summary>Name of the ONNX graph input: float [N, 3, ImageSize, ImageSize].</summary>
    public string OnnxInputName { get; }

    /// <summary>Name of the ONNX graph output: float [N, EmbeddingSize].</summary>
    public string OnnxOutputName { get; }

    /// <summary>
    /// Number format of the network inside the file: <see cref="ByolOnnxPrecision.Float32"/> (as trained),
    /// <see cref="ByolOnnxPrecision.Float16"/> or <see cref="ByolOnnxPrecision.Int8"/>. The graph's input and output
    /// are float32 in every case.
    /// </summary>
    public ByolOnnxPrecision Precision { get; }

    /// <summary>
    /// Facts about the training run (steps, batch size, final loss, the run configuration as JSON, ...), as written:
    /// the <c>byol.training.*</c> entries of the metadata, keys without the prefix. <see cref="Training"/> reads them typed.
    /// </summary>
    public IReadOnlyDictionary<string, string> TrainingSummary { get; }

    /// <summary>
    /// The training run, typed, read from <see cref="TrainingSummary"/>: steps, batch size, final loss, training time,
    /// initial encoder, the whole run configuration as JSON, .... Never null; its members are null where the file does
    /// not say (older files, encoders not written by a training run).
    /// </summary>
    public ByolTrainingInfo Training { get; }

    /// <summary>Reads the encoder description from an ONNX file.</summary>
    /// <exception cref="InvalidDataException">The file is not an ONNX model written for a BYOL encoder.</exception>
    public static ByolEncoderInfo FromOnnx(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        return FromOnnx(stream, path);
    }

    /// <summary>Reads the encoder description from a stream holding an ONNX model.</summary>
    /// <exception cref="InvalidDataException">The stream is not an ONNX model written for a BYOL encoder.</exception>
    public static ByolEncoderInfo FromOnnx(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return FromOnnx(stream, "the stream");
    }

    /// <summary>Reads the encoder description from the bytes of an ONNX model.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model written for a BYOL encoder.</exception>
    public static ByolEncoderInfo FromOnnxBytes(byte[] onnxBytes)
    {
        ArgumentNullException.ThrowIfNull(onnxBytes);
        using var stream = new MemoryStream(onnxBytes, writable: false);
        return FromOnnx(stream, "the given bytes");
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Architecture}{(Layout.HasDefaultBlocks ? "" : $" [{Layout.BlocksText}]")} ×{WidthMultiplier} ({(SmallImageStem ? "small-image stem" : "standard stem")}), " +
        $"{ImageSize}×{ImageSize} {ChannelOrder} → {EmbeddingSize}-d embedding" +
        (Precision == ByolOnnxPrecision.Float32 ? "" : $", {Precision}");

    private static ByolEncoderInfo FromOnnx(Stream stream, string source)
    {
        Onnx.ModelProto model;
        try
        {
            model = Onnx.ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{Capitalise(source)} does not hold an ONNX model: {e.Message}", e);
        }

        if (model.Graph is null)
        {
            throw new InvalidDataException($"{Capitalise(source)} does not hold an ONNX model (no graph).");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in model.MetadataProps)
        {
            metadata[entry.Key] = entry.Value;
        }

        var info = FromMetadata(metadata, source);
        RequireGraphValue(model.Graph.Input.Select(i => i.Name), info.OnnxInputName, "input", source);
        RequireGraphValue(model.Graph.Output.Select(o => o.Name), info.OnnxOutputName, "output", source);
        return info;
    }

    private static void RequireGraphValue(IEnumerable<string> names, string expected, string kind, string source)
    {
        if (!names.Contains(expected, StringComparer.Ordinal))
        {
            throw new InvalidDataException(
                $"{Capitalise(source)}: the metadata names graph {kind} '{expected}', but the ONNX graph has no such {kind}.");
        }
    }

    private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
