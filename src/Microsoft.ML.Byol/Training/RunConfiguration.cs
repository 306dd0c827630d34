using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML.Byol.Optim;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// Everything that decides what a run computes, resolved once from the options, the data and the recipe
/// (<see cref="Recipes.ByolRecipe"/>): the encoder, the heads, the schedule, the optimiser, the views, the fine-tuning
/// settings and the seed. It is serialised once, as JSON: checkpoints carry it (a checkpoint resumes only a run with
/// the same configuration) and the exported ONNX carries it in its metadata.
/// </summary>
internal sealed record RunConfiguration
{
    /// <summary>The encoder f (architecture, width, stem, blocks, image size, starting weights).</summary>
    public required EncoderConfiguration Encoder { get; init; }

    /// <summary>Side of the images the exported encoder embeds (<see cref="ByolOptions.EmbeddingImageSize"/>); null in
    /// checkpoints of earlier versions, which embedded at the training size (<see cref="EmbeddingSide"/>).</summary>
    public int? EmbeddingImageSize { get; init; }

    /// <summary>Hidden width of the projector g.</summary>
    public required int ProjectorHiddenSize { get; init; }

    /// <summary>Output size of the projector and the predictor.</summary>
    public required int ProjectionSize { get; init; }

    /// <summary>Hidden width of the predictor q.</summary>
    public required int PredictorHiddenSize { get; init; }

    /// <summary>Images in the training cache.</summary>
    public required int Images { get; init; }

    /// <summary>Steps, warm-up and peak learning rate.</summary>
    public required TrainingPlan Plan { get; init; }

    /// <summary>Base learning rate (peak = base × batch / 256).</summary>
    public required double BaseLearningRate { get; init; }

    /// <summary>LARS weight decay.</summary>
    public required double WeightDecay { get; init; }

    /// <summary>LARS trust coefficient η.</summary>
    public required double TrustCoefficient { get; init; }

    /// <summary>Base EMA rate τ of the target.</summary>
    public required double TauBase { get; init; }

    /// <summary>Augmentation of view t.</summary>
    public required ByolViewOptions View1 { get; init; }

    /// <summary>Augmentation of view t′.</summary>
    public required ByolViewOptions View2 { get; init; }

    /// <summary>Encoder learning rate relative to the heads (1 from random initialisation).</summary>
    public required double EncoderLearningRateScale { get; init; }

    /// <summary>Steps at the start of the run during which only the heads train.</summary>
    public required long FrozenEncoderSteps { get; init; }

    /// <summary>The encoder's BatchNorm layers use (and keep) their running statistics in training.</summary>
    public required bool FreezeEncoderBatchNorm { get; init; }

    /// <summary>The encoder's BatchNorm statistics are re-estimated on centre views at <see cref="EmbeddingSide"/> when
    /// training ends (<see cref="BatchNormRecalibration"/>); false in checkpoints of earlier versions.</summary>
    public bool RecalibrateEncoderBatchNorm { get; init; }

    /// <summary>Steps between two kNN monitor evaluations (0: no monitor). The monitor changes no weight, but keep-best
    /// may return the encoder of an evaluated step.</summary>
    public required long MonitorEverySteps { get; init; }

    /// <summary>Seed of weights, shuffling and augmentation.</summary>
    public required int Seed { get; init; }

    /// <summary>Name of the recipe that chose the values not set by the options.</summary>
    public required string Recipe { get; init; }

    /// <summary>The side the exported encoder takes: <see cref="EmbeddingImageSize"/>, else the training size.</summary>
    public int EmbeddingSide() => EmbeddingImageSize ?? Encoder.ImageSize;

    /// <summary>Learning rate of the heads at step <paramref name="step"/> (0-based).</summary>
    public double LearningRateAt(double step) => Plan.LearningRateAt(step);

    /// <summary>EMA rate τ at step <paramref name="step"/> (0-based), over the whole run.</summary>
    public double TauAt(double step) => TauSchedule.At(step, Plan.TotalSteps, TauBase);

    /// <summary>The one serialised form (culture-invariant JSON, stable property order).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads <see cref="ToJson"/>'s output back.</summary>
    /// <exception cref="InvalidDataException">The text is not a run configuration.</exception>
    public static RunConfiguration FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<RunConfiguration>(json, JsonOptions)
                ?? throw new InvalidDataException($"{source} holds an empty run configuration.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source} does not hold a run configuration this version can read: {e.Message}", e);
        }
    }

    /// <summary>
    /// The run as the ONNX metadata carries it (<c>byol.training.*</c>): a few facts typed by
    /// <see cref="ByolTrainingInfo"/> (which owns their keys and formats, and reads them back as
    /// <see cref="ByolEncoderInfo.Training"/>) and the whole configuration as JSON (<see cref="ToJson"/>).
    /// </summary>
    public ByolTrainingInfo TrainingInfo(long stepsDone, string device, TimeSpan elapsed, double? finalLoss, string? note = null) =>
        new()
        {
            Method = "BYOL",
            Recipe = Recipe,
            Images = Images,
            ImageSize = Encoder.ImageSize,
            Steps = stepsDone,
            BatchSize = Plan.BatchSize,
            BaseLearningRate = BaseLearningRate,
            TauBase = TauBase,
            Seed = Seed,
            Device = device,
            TrainingTime = elapsed,
            WrittenUtc = DateTime.UtcNow,
            Library = "Microsoft.ML.Byol " + typeof(RunConfiguration).Assembly.GetName().Version,
            InitialEncoder = Encoder.InitialEncoder,
            FinalLoss = finalLoss,
            Note = note,
            RunConfigurationJson = ToJson(),
        };

    /// <summary><see cref="TrainingInfo"/> as the summary entries the ONNX writer takes.</summary>
    public Dictionary<string, string> Summary(long stepsDone, string device, TimeSpan elapsed, double? finalLoss, string? note = null) =>
        TrainingInfo(stepsDone, device, elapsed, finalLoss, note).ToSummary();

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
