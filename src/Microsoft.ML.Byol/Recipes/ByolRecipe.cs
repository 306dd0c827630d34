using System.Globalization;
using System.Numerics;
using Microsoft.ML.Byol.Import;
using Microsoft.ML.Byol.Training;

namespace Microsoft.ML.Byol.Recipes;

/// <summary>
/// Chooses the settings a run leaves unset, from what is known before training: the image size, the data size, the
/// run length in epochs and whether the encoder starts from pretrained weights. Options that are set always win.
/// Every value is returned with where it came from, for the log.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><b>long</b> (≥ 1000 epochs): the paper's ImageNet recipe (base lr 0.2, wd 1.5e-6, η 1e-3, τ 0.996).</item>
/// <item><b>medium</b> (≥ 300 epochs): DeepMind's 300-epoch preset (base lr 0.3, wd 1e-6, η 1e-3, τ 0.99).</item>
/// <item><b>short</b> (&lt; 300 epochs, what CPU runs are): base lr 1.0, η 0.01, τ 0.99, wd 1.5e-6, measured on short
/// Fashion-MNIST runs (docs/recipes.md): at the paper's η the encoder barely moves in a few epochs.</item>
/// <item><b>fine-tune</b> (<see cref="ByolOptions.InitialEncoderPath"/> set): the short recipe for the fresh heads,
/// with the encoder frozen for the first 10 % of the steps, then trained at the heads' learning rate up to batch 64
/// and at 64/batch of it above (so a step moves a pretrained weight by at most 0.25 %), its BatchNorm layers frozen
/// (statistics and affine terms; docs/recipes.md has the measurements that chose this).</item>
/// </list>
/// At 64 px and below the views are the paper's without blur (small-image recipes); the warm-up is 10 epochs but at
/// most a tenth of the run.
/// </remarks>
internal static class ByolRecipe
{
    /// <summary>Runs of at least this many epochs get the paper's recipe.</summary>
    public const int LongRunEpochs = 1000;

    /// <summary>Runs of at least this many epochs get DeepMind's 300-epoch preset.</summary>
    public const int MediumRunEpochs = 300;

    /// <summary>Images of at most this side get the small-image views (no blur).</summary>
    public const int SmallImageSize = 64;

    /// <summary>Batch size, projector/predictor widths and projection size of the paper, read from unset options.</summary>
    public const int DefaultBatchSize = 256, PaperHiddenSize = 4096, PaperProjectionSize = 256;

    /// <summary>Batch size of the short recipe (the 30-minute Fashion-MNIST runs that set it, docs/benchmarks.md).</summary>
    public const int ShortRunBatchSize = 128;

    /// <summary>The values chosen for one run, and the log lines that say where each came from.</summary>
    public sealed record Choice(
        string Name, int BatchSize, int ProjectorHiddenSize, int ProjectionSize, int PredictorHiddenSize,
        double BaseLearningRate, double WeightDecay, double TrustCoefficient, double TauBase, double? WarmupEpochs,
        ByolViewOptions View1, ByolViewOptions View2, double EncoderLearningRateScale, double FrozenEncoderFraction,
        bool FreezeEncoderBatchNorm, IReadOnlyList<string> Log);

    /// <summary>The recipe of a run of <paramref name="epochs"/> epochs.</summary>
    public static string Name(double epochs, bool pretrained) =>
        pretrained ? "fine-tune" : epochs >= LongRunEpochs ? "long" : epochs >= MediumRunEpochs ? "medium" : "short";

    /// <summary>
    /// The batch size: the set one, else the recipe's (128 for short runs from scratch, the paper's 256 otherwise), never more than the
    /// largest power of two that <paramref name="images"/> fill. <paramref name="epochs"/> is the run's length at the
    /// options' batch size; a smaller batch only shortens a run counted in steps, so the recipe does not change.
    /// </summary>
    public static int ChooseBatchSize(ByolOptions options, double epochs, bool pretrained, int images)
    {
        if (options.BatchSizeIfSet is { } set)
            return set;
        int byRecipe = Name(epochs, pretrained) == "short" ? ShortRunBatchSize : DefaultBatchSize;
        return Math.Max(2, Math.Min(byRecipe, (int)(BitOperations.RoundUpToPowerOf2((uint)images + 1) / 2)));
    }

    /// <summary>Chooses the settings for a run of <paramref name="epochs"/> epochs (fractional when shortened) at
    /// <paramref name="batchSize"/> (from <see cref="ChooseBatchSize"/>; null: chosen here, with no data-size cap) of an
    /// encoder whose embedding has <paramref name="embeddingSize"/> values.</summary>
    public static Choice Choose(ByolOptions options, double epochs, bool pretrained, int? batchSize = null, int embeddingSize = 2048)
    {
        string name = Name(epochs, pretrained);
        int batch = batchSize ?? ChooseBatchSize(options, epochs, pretrained, int.MaxValue);
        var (lr, wd, eta, tau) = name switch
        {
            "long" => (0.2, 1.5e-6, 1e-3, 0.996),
            "medium" => (0.3, 1e-6, 1e-3, 0.99),
            _ => (1.0, 1.5e-6, 1e-2, 0.99),
        };
        bool small = options.ImageSize <= SmallImageSize;
        var log = new List<string>();
        string why = $"recipe '{name}' ({epochs.ToString("0.#", CultureInfo.InvariantCulture)} epochs{(pretrained ? ", pretrained encoder" : "")})";

        T Pick<T>(string option, T? set, T chosen, string? reason = null) where T : struct
        {
            log.Add(set is { } value ? $"{option} = {Show(value)} (set)" : $"{option} = {Show(chosen)} ({reason ?? why})");
            return set ?? chosen;
        }
        ByolViewOptions PickView(string option, ByolViewOptions? set, Func<ByolViewOptions> chosen, string preset)
        {
            log.Add(set is not null ? $"{option} = (set)" : $"{option} = {preset} ({(small ? $"≤ {SmallImageSize} px: no blur" : "paper views")})");
            return set ?? chosen();
        }

        log.Add(options.BatchSizeIfSet is not null ? $"{nameof(ByolOptions.BatchSize)} = {batch} (set)"
            : $"{nameof(ByolOptions.BatchSize)} = {batch} ({why}{(name == "short" ? ": more, smaller steps in a short run" : "")}; at most what the data fills)");
        // Heads: the paper's, except for short runs from scratch, where they follow the encoder (a 128-d ResNet-18 x0.25
        // learned better with 512 -> 128 heads than with 4096 -> 256 in the 30-minute runs, docs/benchmarks.md).
        bool scaledHeads = name == "short";
        var heads = options.HeadSizesIfSet;
        string headsWhy = scaledHeads ? $"{why}: heads follow the {embeddingSize}-d embedding" : why;
        var choice = new Choice(
            name,
            batch,
            Pick(nameof(ByolOptions.ProjectorHiddenSize), heads.ProjectorHidden, scaledHeads ? Math.Min(PaperHiddenSize, 4 * embeddingSize) : PaperHiddenSize, headsWhy),
            Pick(nameof(ByolOptions.ProjectionSize), heads.Projection, scaledHeads ? Math.Min(PaperProjectionSize, embeddingSize) : PaperProjectionSize, headsWhy),
            Pick(nameof(ByolOptions.PredictorHiddenSize), heads.PredictorHidden, scaledHeads ? Math.Min(PaperHiddenSize, 4 * embeddingSize) : PaperHiddenSize, headsWhy),
            Pick(nameof(ByolOptions.BaseLearningRate), options.BaseLearningRate, lr),
            Pick(nameof(ByolOptions.WeightDecay), options.WeightDecay, wd),
            Pick(nameof(ByolOptions.TrustCoefficient), options.TrustCoefficient, eta),
            Pick(nameof(ByolOptions.TauBase), options.TauBase, tau),
            options.WarmupEpochs,
            PickView(nameof(ByolOptions.View1), options.View1, small ? ByolViewOptions.SmallImageView1 : ByolViewOptions.PaperView1,
                small ? nameof(ByolViewOptions.SmallImageView1) : nameof(ByolViewOptions.PaperView1)),
            PickView(nameof(ByolOptions.View2), options.View2, small ? ByolViewOptions.SmallImageView2 : ByolViewOptions.PaperView2,
                small ? nameof(ByolViewOptions.SmallImageView2) : nameof(ByolViewOptions.PaperView2)),
            Pick(nameof(ByolOptions.EncoderLearningRateScale), options.EncoderLearningRateScale, pretrained ? PretrainedEncoderScale(batch) : 1.0,
                pretrained ? $"fine-tune: the encoder's LARS step kept at ≤ {SafeEncoderStep:P2} of its norm at batch {batch}" : null),
            Pick(nameof(ByolOptions.FrozenEncoderFraction), options.FrozenEncoderFraction, pretrained ? 0.1 : 0.0),
            Pick(nameof(ByolOptions.FreezeEncoderBatchNorm), options.FreezeEncoderBatchNorm, pretrained),
            log);
        log.Add(options.WarmupEpochs is { } warmup
            ? $"{nameof(ByolOptions.WarmupEpochs)} = {Show(warmup)} (set)"
            : $"{nameof(ByolOptions.WarmupEpochs)} = 10 epochs, at most a tenth of the run ({why})");
        return choice;
    }

    /// <summary>
    /// Mean zoom of a random resized crop (<see cref="ByolViewOptions.CropScaleMin"/> to
    /// <see cref="ByolViewOptions.CropScaleMax"/>): a crop of area fraction s, resized to the training size, shows
    /// objects 1/√s times larger than the whole image at that size; over s uniform in [a, b],
    /// E[1/√s] = 2(√b − √a)/(b − a), 1.56 for the paper's [0.08, 1] (Touvron et al., 2019, "Fixing the train-test
    /// resolution discrepancy", section 3: the apparent object size).
    /// </summary>
    public static double CropZoom(ByolViewOptions view)
    {
        double a = view.CropScaleMin, b = view.CropScaleMax;
        return b - a < 1e-9 ? 1 / Math.Sqrt(a) : 2 * (Math.Sqrt(b) - Math.Sqrt(a)) / (b - a);
    }

    /// <summary>
    /// Fails early on a set <see cref="ByolOptions.EmbeddingImageSize"/> that the input column cannot take: pixel
    /// vectors are embedded at <see cref="ByolOptions.ImageSize"/>, their C×S×S values being the scoring contract.
    /// </summary>
    /// <exception cref="ArgumentException">A size other than the training size is set for a pixel-vector column.</exception>
    public static void CheckEmbeddingImageSize(ByolOptions options, bool imageColumn)
    {
        const string Name = nameof(ByolOptions.EmbeddingImageSize);
        if (!imageColumn && options.EmbeddingImageSize is { } set && set != options.ImageSize)
            throw new ArgumentException(
                $"{Name} is {set}, but the input column '{options.InputColumnName}' holds pixel vectors, which are embedded as they are: " +
                $"at ImageSize ({options.ImageSize}). Leave {Name} unset, or give an image column.", nameof(options));
    }

    /// <summary>
    /// The side the trained encoder embeds images at, with the line for the log: the set
    /// <see cref="ByolOptions.EmbeddingImageSize"/>; else, for an image column and a run with BYOL steps, the training
    /// size × the mean <see cref="CropZoom"/> of the run's two views, so that objects appear at the size training showed
    /// them (FixRes); else the training size (pixel vectors; or no BYOL step, where no crop of this run trained the
    /// encoder: ML.NET's ImageNet ResNet-18 probes the same at 64 and 96 px, docs/recipes.md).
    /// </summary>
    /// <exception cref="ArgumentException">A size other than the training size is set for a pixel-vector column.</exception>
    public static (int Size, string Log) EmbeddingImageSize(ByolOptions options, bool imageColumn, RunConfiguration run)
    {
        const string Name = nameof(ByolOptions.EmbeddingImageSize);
        CheckEmbeddingImageSize(options, imageColumn);
        int trainingSize = run.Encoder.ImageSize;
        if (options.EmbeddingImageSize is { } set)
            return (set, $"{Name} = {set} (set)");
        if (!imageColumn)
            return (trainingSize, $"{Name} = {trainingSize} (pixel vectors are embedded at ImageSize)");
        if (run.Plan.TotalSteps == 0)
            return (trainingSize, $"{Name} = {trainingSize} (no BYOL step: the encoder is embedded at ImageSize)");
        double zoom = (CropZoom(run.View1) + CropZoom(run.View2)) / 2;
        int size = Math.Min(1024, (int)Math.Round(zoom * trainingSize, MidpointRounding.AwayFromZero));
        return (size, string.Create(CultureInfo.InvariantCulture,
            $"{Name} = {size} ({zoom:0.###} × ImageSize: the views' random resized crops show objects that much larger on average, E[1/√s] over their crop areas s)"));
    }

    /// <summary>
    /// Largest relative change a LARS step may make to a pretrained convolution (peak lr × η × scale): measured safe at
    /// 0.25 % (batch 64, lr 1.0, η 0.01), collapsed at 1 % (batch 256, same settings) in docs/recipes.md.
    /// </summary>
    public const double SafeEncoderStep = 0.0025;

    /// <summary>Encoder learning-rate scale of the fine-tuning recipe: 1 up to batch 64, then 64 / batch, so that the
    /// short recipe's peak lr (1.0 × batch / 256) with η 0.01 moves a pretrained weight by at most <see cref="SafeEncoderStep"/>.</summary>
    public static double PretrainedEncoderScale(int batchSize) => Math.Min(1.0, 64.0 / batchSize);

    /// <summary>
    /// The encoder of the run: the initial encoder's layout when there is one (options that contradict it are an
    /// error), else the options' layout.
    /// </summary>
    /// <exception cref="ArgumentException">An option set by the caller contradicts the initial encoder's file.</exception>
    public static EncoderConfiguration Encoder(ByolOptions options, ImportedEncoder? initial)
    {
        if (initial is null)
            return EncoderConfiguration.For(options.Layout, options.ImageSize, null);
        var layout = initial.Layout;
        var conflicts = new List<string>();
        if (options.ArchitectureIsSet && options.Architecture != layout.Architecture)
            conflicts.Add($"Architecture is {options.Architecture}, the file holds a {layout.Architecture}");
        if (options.WidthMultiplierIsSet && Math.Abs(options.WidthMultiplier - layout.WidthMultiplier) > 1e-6)
            conflicts.Add($"WidthMultiplier is {Show(options.WidthMultiplier)}, the file's width is {Show(layout.WidthMultiplier)}");
        if (options.SmallImageStem is { } stem && stem != layout.SmallImageStem)
            conflicts.Add($"SmallImageStem is {stem}, the file has the {(layout.SmallImageStem ? "small-image" : "standard")} stem");
        if (conflicts.Count > 0)
            throw new ArgumentException(
                $"ByolOptions contradict the initial encoder '{options.InitialEncoderPath}': {string.Join("; ", conflicts)}. " +
                "Leave these options unset (the file decides them) or pick another file.", nameof(options));
        return EncoderConfiguration.For(layout, options.ImageSize, $"{Path.GetFileName(options.InitialEncoderPath)} ({initial.Description})");
    }

    private static string Show<T>(T value) => value switch
    {
        double d => d.ToString("G4", CultureInfo.InvariantCulture),
        float f => f.ToString("G4", CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "null",
    };
}
