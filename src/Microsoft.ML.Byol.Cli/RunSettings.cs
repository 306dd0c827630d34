using System.Text.Json;
using System.Text.Json.Serialization;

namespace Microsoft.ML.Byol.Cli;

/// <summary>
/// What <c>byol pretrain</c> writes beside its encoder as <c>pretrain.json</c>: the network the run trained (so that
/// <c>byol export --checkpoint</c> can rebuild the same <see cref="ByolOptions"/> without asking), and where its files are.
/// </summary>
internal sealed record RunSettings
{
    public const string FileName = "pretrain.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public required string Images { get; init; }
    public required int ImageCount { get; init; }
    public required ByolArchitecture Architecture { get; init; }
    public required float WidthMultiplier { get; init; }
    public required bool SmallImageStem { get; init; }
    /// <summary>The training crop size (what a checkpoint's network was built for).</summary>
    public required int ImageSize { get; init; }

    /// <summary>The size encoder.onnx embeds images at; absent in files of earlier versions.</summary>
    public int? EmbeddingImageSize { get; init; }
    public required int EmbeddingSize { get; init; }
    public string? InitialEncoder { get; init; }
    public required string Encoder { get; init; }
    public required string Checkpoints { get; init; }
    public required string Log { get; init; }

    public void Write(string folder) => File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>
    /// The settings of the run a checkpoint belongs to: <c>pretrain.json</c> in the checkpoint's folder or the folder
    /// above it (pretrain writes OUT/pretrain.json and OUT/checkpoints/); null when there is none.
    /// </summary>
    /// <exception cref="CliException">The file exists but cannot be read.</exception>
    public static RunSettings? ForCheckpoint(string checkpointPath)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(checkpointPath));
        foreach (var candidate in new[] { folder, folder is null ? null : Path.GetDirectoryName(folder) })
        {
            if (candidate is null)
                continue;
            string path = Path.Combine(candidate, FileName);
            if (!File.Exists(path))
                continue;
            try
            {
                return JsonSerializer.Deserialize<RunSettings>(File.ReadAllText(path), Json) ?? throw new JsonException("empty");
            }
            catch (JsonException e)
            {
                throw new CliException($"Cannot read '{path}': {e.Message}", ExitCodes.BadInput, e);
            }
        }
        return null;
    }
}
