namespace Microsoft.ML.Byol.Graph;

/// <summary>The <c>metadata_props</c> keys a BYOL encoder's ONNX file carries (see <see cref="ByolEncoderInfo"/>).</summary>
internal static class OnnxMetadataKeys
{
    /// <summary>Version of this metadata layout; readers reject versions they do not know.</summary>
    public const string FormatVersion = "byol.format_version";
    public const string Architecture = "byol.architecture";
    public const string WidthMultiplier = "byol.width_multiplier";
    public const string SmallImageStem = "byol.small_image_stem";

    /// <summary>Residual blocks per stage, "2,2,2,2"; absent in older files, which then have the architecture's default.</summary>
    public const string BlocksPerStage = "byol.blocks_per_stage";
    public const string ImageSize = "byol.image_size";
    public const string EmbeddingSize = "byol.embedding_size";
    public const string Mean = "byol.mean";
    public const string Std = "byol.std";
    public const string ChannelOrder = "byol.channel_order";
    public const string PixelFormat = "byol.pixel_format";
    public const string InputName = "byol.input_name";
    public const string OutputName = "byol.output_name";

    /// <summary>The <see cref="ByolOnnxPrecision"/> of the file; absent in float32 files (written before the key existed, or by the builder).</summary>
    public const string Precision = "byol.precision";

    /// <summary>Prefix of the free-form training summary entries (<c>byol.training.epochs</c>, ...).</summary>
    public const string TrainingPrefix = "byol.training.";

    /// <summary>The metadata layout version this code writes and reads.</summary>
    public const string CurrentFormatVersion = "1";
}
