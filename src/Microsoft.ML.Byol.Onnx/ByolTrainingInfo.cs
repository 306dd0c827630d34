using System.Globalization;

namespace Microsoft.ML.Byol;

/// <summary>
/// The training run an encoder came from, typed (<see cref="ByolEncoderInfo.Training"/>): the entries of
/// <see cref="ByolEncoderInfo.TrainingSummary"/> read back. Microsoft.ML.Byol writes them once, from its typed run
/// record, whose whole JSON form travels with them (<see cref="RunConfigurationJson"/>, the form checkpoints carry
/// too); this class states each entry's key and format in one place, for the writer and for the reader.
/// </summary>
/// <remarks>
/// Reading never fails: a member is null when the file does not say, for example an encoder written by an earlier
/// version (with fewer entries), by hand, or for a checkpoint; a malformed value also reads as null, and stays
/// visible as text in <see cref="ByolEncoderInfo.TrainingSummary"/>.
/// </remarks>
public sealed class ByolTrainingInfo
{
    // The summary keys (stored as "byol.training.<key>" in the ONNX metadata_props).
    private const string MethodKey = "method";
    private const string RecipeKey = "recipe";
    private const string ImagesKey = "images";
    private const string ImageSizeKey = "image_size";
    private const string StepsKey = "steps";
    private const string BatchSizeKey = "batch_size";
    private const string BaseLearningRateKey = "base_learning_rate";
    private const string TauBaseKey = "tau_base";
    private const string SeedKey = "seed";
    private const string DeviceKey = "device";
    private const string TrainSecondsKey = "train_seconds";
    private const string DateKey = "date_utc";
    private const string LibraryKey = "library";
    private const string InitialEncoderKey = "initial_encoder";
    private const string FinalLossKey = "final_loss";
    private const string NoteKey = "note";
    private const string ConfigurationKey = "configuration";
    private const string DateFormat = "yyyy-MM-ddTHH:mm:ssZ";

    internal ByolTrainingInfo()
    {
    }

    /// <summary>The self-supervised method ("BYOL").</summary>
    public string? Method { get; internal init; }

    /// <summary>The recipe that chose the settings the options left unset (for example "short").</summary>
    public string? Recipe { get; internal init; }

    /// <summary>Number of images the run trained on (the training cache).</summary>
    public int? Images { get; internal init; }

    /// <summary>Side in pixels of the training crops; the encoder embeds at <see cref="ByolEncoderInfo.ImageSize"/>,
    /// which may be larger (<c>ByolOptions.EmbeddingImageSize</c>).</summary>
    public int? ImageSize { get; internal init; }

    /// <summary>Optimizer steps done: the whole run, or the step of the checkpoint the encoder was exported from.</summary>
    public long? Steps { get; internal init; }

    /// <summary>Images per step.</summary>
    public int? BatchSize { get; internal init; }

    /// <summary>Base learning rate (the peak is base × batch size / 256).</summary>
    public double? BaseLearningRate { get; internal init; }

    /// <summary>Base EMA rate τ of the target network.</summary>
    public double? TauBase { get; internal init; }

    /// <summary>Seed of the weights, shuffling and augmentation.</summary>
    public int? Seed { get; internal init; }

    /// <summary>The device that trained ("cpu", "cuda:0", ...), or "checkpoint" for an encoder exported from a checkpoint.</summary>
    public string? Device { get; internal init; }

    /// <summary>Wall-clock training time, to a tenth of a second (zero for an encoder exported from a checkpoint).</summary>
    public TimeSpan? TrainingTime { get; internal init; }

    /// <summary>When the summary was written (UTC, to the second): the end of training, or the checkpoint export.</summary>
    public DateTime? WrittenUtc { get; internal init; }

    /// <summary>The library and version that trained ("Microsoft.ML.Byol 1.2.3.0").</summary>
    public string? Library { get; internal init; }

    /// <summary>The pretrained encoder the run started from, as described when it was read; null from random initialisation.</summary>
    public string? InitialEncoder { get; internal init; }

    /// <summary>The BYOL loss at the end of the run, to five decimals; null for a checkpoint export.</summary>
    public double? FinalLoss { get; internal init; }

    /// <summary>A remark on the run, for example which step's encoder the kNN monitor kept.</summary>
    public string? Note { get; internal init; }

    /// <summary>
    /// The run's whole configuration (encoder, heads, schedule, optimiser, views, seed, recipe) as the JSON that
    /// Microsoft.ML.Byol's checkpoints carry; null when the file has none. Its layout belongs to the training library
    /// and may gain properties between versions.
    /// </summary>
    public string? RunConfigurationJson { get; internal init; }

    /// <summary>The summary entries (keys without the <c>byol.training.</c> prefix); unset members are left out.</summary>
    internal Dictionary<string, string> ToSummary()
    {
        var summary = new Dictionary<string, string>(StringComparer.Ordinal);
        void Put(string key, string? value)
        {
            if (value is not null)
            {
                summary[key] = value;
            }
        }

        Put(MethodKey, Method);
        Put(RecipeKey, Recipe);
        Put(ImagesKey, Images?.ToString(CultureInfo.InvariantCulture));
        Put(ImageSizeKey, ImageSize?.ToString(CultureInfo.InvariantCulture));
        Put(StepsKey, Steps?.ToString(CultureInfo.InvariantCulture));
        Put(BatchSizeKey, BatchSize?.ToString(CultureInfo.InvariantCulture));
        Put(BaseLearningRateKey, Number(BaseLearningRate));
        Put(TauBaseKey, Number(TauBase));
        Put(SeedKey, Seed?.ToString(CultureInfo.InvariantCulture));
        Put(DeviceKey, Device);
        Put(TrainSecondsKey, Number(TrainingTime is { } time ? Math.Round(time.TotalSeconds, 1) : null));
        Put(DateKey, WrittenUtc?.ToUniversalTime().ToString(DateFormat, CultureInfo.InvariantCulture));
        Put(LibraryKey, Library);
        Put(InitialEncoderKey, InitialEncoder);
        Put(FinalLossKey, Number(FinalLoss is { } loss ? Math.Round(loss, 5) : null));
        Put(NoteKey, Note);
        Put(ConfigurationKey, RunConfigurationJson);
        return summary;
    }

    /// <summary>Reads the entries <see cref="ToSummary"/> writes; absent or malformed entries give null members.</summary>
    internal static ByolTrainingInfo FromSummary(IReadOnlyDictionary<string, string> summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        string? Text(string key) => summary.TryGetValue(key, out string? value) && !string.IsNullOrEmpty(value) ? value : null;
        long? Integer(string key) =>
            long.TryParse(Text(key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value) ? value : null;
        int? Int(string key) =>
            int.TryParse(Text(key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value : null;
        double? Real(string key) =>
            double.TryParse(Text(key), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) ? value : null;

        return new ByolTrainingInfo
        {
            Method = Text(MethodKey),
            Recipe = Text(RecipeKey),
            Images = Int(ImagesKey),
            ImageSize = Int(ImageSizeKey),
            Steps = Integer(StepsKey),
            BatchSize = Int(BatchSizeKey),
            BaseLearningRate = Real(BaseLearningRateKey),
            TauBase = Real(TauBaseKey),
            Seed = Int(SeedKey),
            Device = Text(DeviceKey),
            TrainingTime = Real(TrainSecondsKey) is double seconds && seconds >= 0 && seconds <= 1e9 ? TimeSpan.FromSeconds(seconds) : null,
            WrittenUtc = DateTime.TryParseExact(Text(DateKey), DateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var written) ? written : null,
            Library = Text(LibraryKey),
            InitialEncoder = Text(InitialEncoderKey),
            FinalLoss = Real(FinalLossKey),
            Note = Text(NoteKey),
            RunConfigurationJson = Text(ConfigurationKey),
        };
    }

    private static string? Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture);
}
