using System.Globalization;
using Microsoft.ML.Byol.Graph;
using Microsoft.ML.Byol.Input;

namespace Microsoft.ML.Byol;

/// <summary>Conversion between <see cref="ByolEncoderInfo"/> and ONNX <c>metadata_props</c> entries.</summary>
public sealed partial class ByolEncoderInfo
{
    /// <summary>The description of a ResNet encoder built from <paramref name="layout"/> with ImageNet normalisation.</summary>
    internal static ByolEncoderInfo ForResNet(
        ResNetLayout layout, int imageSize, string inputName, string outputName, IReadOnlyDictionary<string, string>? trainingSummary) =>
        new(layout.Architecture, layout.WidthMultiplier, layout.SmallImageStem, imageSize, layout.EmbeddingSize,
            ImageNetNormalization.Mean, ImageNetNormalization.Std, ImageInputContract.ChannelOrder, ImageInputContract.PixelFormat,
            inputName, outputName, trainingSummary ?? new Dictionary<string, string>(), layout.BlocksPerStage);

    /// <summary>The <c>metadata_props</c> entries that describe this encoder, in a stable order.</summary>
    internal IReadOnlyList<KeyValuePair<string, string>> ToMetadata()
    {
        var entries = new List<KeyValuePair<string, string>>
        {
            new(OnnxMetadataKeys.FormatVersion, OnnxMetadataKeys.CurrentFormatVersion),
            new(OnnxMetadataKeys.Architecture, Architecture.ToString()),
            new(OnnxMetadataKeys.WidthMultiplier, WidthMultiplier.ToString("R", CultureInfo.InvariantCulture)),
            new(OnnxMetadataKeys.SmallImageStem, SmallImageStem ? "true" : "false"),
            new(OnnxMetadataKeys.BlocksPerStage, Layout.BlocksText),
            new(OnnxMetadataKeys.ImageSize, ImageSize.ToString(CultureInfo.InvariantCulture)),
            new(OnnxMetadataKeys.EmbeddingSize, EmbeddingSize.ToString(CultureInfo.InvariantCulture)),
            new(OnnxMetadataKeys.Mean, FormatFloats(Mean)),
            new(OnnxMetadataKeys.Std, FormatFloats(Std)),
            new(OnnxMetadataKeys.ChannelOrder, ChannelOrder),
            new(OnnxMetadataKeys.PixelFormat, PixelFormat),
            new(OnnxMetadataKeys.InputName, OnnxInputName),
            new(OnnxMetadataKeys.OutputName, OnnxOutputName),
        };
        if (Precision != ByolOnnxPrecision.Float32)
        {
            // Float32 files carry no entry, so the builder's output is unchanged and older files read as Float32.
            entries.Add(new(OnnxMetadataKeys.Precision, Precision.ToString()));
        }

        foreach (var pair in TrainingSummary.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            entries.Add(new(OnnxMetadataKeys.TrainingPrefix + pair.Key, pair.Value));
        }

        return entries;
    }

    /// <summary>Writes <see cref="ToMetadata"/> into the model's <c>metadata_props</c>.</summary>
    internal void WriteTo(OnnxGraphWriter writer)
    {
        foreach (var (key, value) in ToMetadata())
        {
            writer.SetMetadata(key, value);
        }
    }

    /// <summary>Parses the entries written by <see cref="ToMetadata"/>.</summary>
    /// <exception cref="InvalidDataException">A key is missing or a value is malformed; the message names the key.</exception>
    internal static ByolEncoderInfo FromMetadata(IReadOnlyDictionary<string, string> metadata, string source = "the ONNX model")
    {
        var reader = new MetadataReader(metadata, source);
        string version = reader.Text(OnnxMetadataKeys.FormatVersion);
        if (version != OnnxMetadataKeys.CurrentFormatVersion)
        {
            throw reader.Invalid(OnnxMetadataKeys.FormatVersion, version, $"only version {OnnxMetadataKeys.CurrentFormatVersion} is understood");
        }

        var summary = metadata
            .Where(p => p.Key.StartsWith(OnnxMetadataKeys.TrainingPrefix, StringComparison.Ordinal))
            .ToDictionary(p => p.Key[OnnxMetadataKeys.TrainingPrefix.Length..], p => p.Value, StringComparer.Ordinal);

        var architecture = reader.Parse(OnnxMetadataKeys.Architecture, ParseArchitecture);
        IReadOnlyList<int> blocks = metadata.ContainsKey(OnnxMetadataKeys.BlocksPerStage)
            ? reader.Blocks(OnnxMetadataKeys.BlocksPerStage)
            : ResNetLayout.DefaultBlocksPerStage(architecture); // files written before the key existed
        var precision = metadata.ContainsKey(OnnxMetadataKeys.Precision)
            ? reader.Parse(OnnxMetadataKeys.Precision, ParsePrecision)
            : ByolOnnxPrecision.Float32;
        return new ByolEncoderInfo(
            architecture,
            reader.Parse(OnnxMetadataKeys.WidthMultiplier, ParsePositiveFloat),
            reader.Parse(OnnxMetadataKeys.SmallImageStem, ParseBool),
            reader.Parse(OnnxMetadataKeys.ImageSize, ParsePositiveInt),
            reader.Parse(OnnxMetadataKeys.EmbeddingSize, ParsePositiveInt),
            reader.ThreeFloats(OnnxMetadataKeys.Mean),
            reader.ThreeFloats(OnnxMetadataKeys.Std),
            reader.Text(OnnxMetadataKeys.ChannelOrder),
            reader.Text(OnnxMetadataKeys.PixelFormat),
            reader.Text(OnnxMetadataKeys.InputName),
            reader.Text(OnnxMetadataKeys.OutputName),
            summary,
            blocks,
            precision);
    }

    private static string FormatFloats(IEnumerable<float> values) =>
        string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

    private static ByolArchitecture? ParseArchitecture(string text) =>
        Enum.GetValues<ByolArchitecture>().Select(v => (ByolArchitecture?)v).FirstOrDefault(v => v.ToString() == text);

    private static ByolOnnxPrecision? ParsePrecision(string text) =>
        Enum.GetValues<ByolOnnxPrecision>().Select(v => (ByolOnnxPrecision?)v).FirstOrDefault(v => v.ToString() == text);

    /// <summary>This description with another <see cref="Precision"/> (the network and its contract are unchanged).</summary>
    internal ByolEncoderInfo WithPrecision(ByolOnnxPrecision precision) =>
        new(Architecture, WidthMultiplier, SmallImageStem, ImageSize, EmbeddingSize, Mean, Std, ChannelOrder, PixelFormat,
            OnnxInputName, OnnxOutputName, TrainingSummary, BlocksPerStage, precision);

    private static bool? ParseBool(string text) => text switch { "true" => true, "false" => false, _ => null };

    private static int? ParsePositiveInt(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 ? value : null;

    private static float? ParsePositiveFloat(string text) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value) && float.IsFinite(value) && value > 0
            ? value : null;

    private static float[]? ParseThreeFloats(string text)
    {
        string[] parts = text.Split(',');
        var values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
            {
                return null;
            }
        }

        return values.Length == 3 ? values : null;
    }

    /// <summary>Looks keys up and turns absence or malformed values into messages that name the key.</summary>
    private sealed class MetadataReader(IReadOnlyDictionary<string, string> metadata, string source)
    {
        public string Text(string key)
        {
            if (!metadata.TryGetValue(key, out string? value) || string.IsNullOrEmpty(value))
            {
                throw new InvalidDataException(
                    $"Not a BYOL encoder ({source}): its ONNX metadata_props has no '{key}' entry " +
                    "(BYOL encoders are written by Microsoft.ML.Byol and describe themselves with 'byol.*' keys).");
            }

            return value;
        }

        public T Parse<T>(string key, Func<string, T?> parse) where T : struct
        {
            string text = Text(key);
            return parse(text) ?? throw Invalid(key, text, $"expected a {typeof(T).Name}");
        }

        public float[] ThreeFloats(string key)
        {
            string text = Text(key);
            return ParseThreeFloats(text) ?? throw Invalid(key, text, "expected three comma-separated numbers");
        }

        public int[] Blocks(string key)
        {
            string text = Text(key);
            return ResNetLayout.ParseBlocks(text) ?? throw Invalid(key, text, "expected four comma-separated positive block counts");
        }

        public InvalidDataException Invalid(string key, string value, string why) =>
            new($"Not a valid BYOL encoder ({source}): ONNX metadata entry '{key}' has the value '{value}', which is not valid ({why}).");
    }
}
