namespace Microsoft.ML.Byol.Training;

/// <summary>What decides the encoder's tensors and input: architecture, width, stem, blocks per stage, image size, and
/// the file its weights started from (null: random initialisation).</summary>
internal sealed record EncoderConfiguration(
    ByolArchitecture Architecture, float WidthMultiplier, bool SmallImageStem, int[] BlocksPerStage, int ImageSize, string? InitialEncoder)
{
    /// <summary>The layout the networks are built from.</summary>
    public ResNetLayout Layout() => new(Architecture, WidthMultiplier, SmallImageStem, BlocksPerStage);

    /// <summary>For a layout and image size.</summary>
    public static EncoderConfiguration For(ResNetLayout layout, int imageSize, string? initialEncoder)
        => new(layout.Architecture, layout.WidthMultiplier, layout.SmallImageStem, layout.BlocksPerStage.ToArray(), imageSize, initialEncoder);

    /// <summary>
    /// The differences in network shape (not in the starting weights) between this and <paramref name="other"/>, as
    /// "name: {otherLabel} value, {label} value".
    /// </summary>
    public IReadOnlyList<string> ShapeDifferences(EncoderConfiguration other, string label, string otherLabel)
    {
        var differences = new List<string>();
        void Compare<T>(string name, T mine, T theirs)
        {
            if (!EqualityComparer<T>.Default.Equals(mine, theirs))
                differences.Add($"{name}: {otherLabel} {Show(theirs)}, {label} {Show(mine)}");
        }
        Compare("architecture", Architecture, other.Architecture);
        Compare("width", WidthMultiplier, other.WidthMultiplier);
        Compare("small-image stem", SmallImageStem, other.SmallImageStem);
        Compare("blocks per stage", string.Join(",", BlocksPerStage), string.Join(",", other.BlocksPerStage));
        Compare("image size", ImageSize, other.ImageSize);
        return differences;
    }

    private static string Show<T>(T value)
        => value is IFormattable f ? f.ToString(null, System.Globalization.CultureInfo.InvariantCulture) : value?.ToString() ?? "null";
}
