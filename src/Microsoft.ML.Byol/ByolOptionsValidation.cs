using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol;

/// <summary>Checks every option before any training work, with errors that name the option.</summary>
internal static class ByolOptionsValidation
{
    /// <summary>Throws <see cref="ArgumentException"/> (or a subclass) naming the first invalid option.</summary>
    public static void Validate(ByolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        RequireName(options.InputColumnName, nameof(ByolOptions.InputColumnName));
        RequireName(options.OutputColumnName, nameof(ByolOptions.OutputColumnName));
        if (!Enum.IsDefined(options.Architecture))
            throw Invalid(nameof(ByolOptions.Architecture), options.Architecture, "is not a known ResNet architecture");
        if (!(options.WidthMultiplier > 0 && options.WidthMultiplier <= 8 && float.IsFinite(options.WidthMultiplier)))
            throw Invalid(nameof(ByolOptions.WidthMultiplier), options.WidthMultiplier, "must be in (0, 8]");
        int minimumSize = options.UsesSmallImageStem ? 8 : 32;
        if (options.ImageSize < minimumSize || options.ImageSize > 1024)
            throw Invalid(nameof(ByolOptions.ImageSize), options.ImageSize,
                $"must be between {minimumSize} and 1024 pixels{(options.UsesSmallImageStem ? "" : " with the standard stem (use SmallImageStem for smaller images)")}");
        if (options.EmbeddingImageSize is { } embeddingSize && (embeddingSize < minimumSize || embeddingSize > 1024))
            throw Invalid(nameof(ByolOptions.EmbeddingImageSize), embeddingSize, $"must be between {minimumSize} and 1024 pixels (or null: chosen from ImageSize)");
        if (!(options.SourceImageScale >= 1 && options.SourceImageScale <= 4))
            throw Invalid(nameof(ByolOptions.SourceImageScale), options.SourceImageScale, "must be between 1 and 4 (a multiple of ImageSize)");
        RequirePositive(options.ProjectorHiddenSize, nameof(ByolOptions.ProjectorHiddenSize));
        RequirePositive(options.ProjectionSize, nameof(ByolOptions.ProjectionSize));
        RequirePositive(options.PredictorHiddenSize, nameof(ByolOptions.PredictorHiddenSize));
        RequirePositive(options.Epochs, nameof(ByolOptions.Epochs));
        if (options.MaxSteps is < 0)
            throw Invalid(nameof(ByolOptions.MaxSteps), options.MaxSteps, "must be 0 or more (or null)");
        if (options.BatchSize < 2)
            throw Invalid(nameof(ByolOptions.BatchSize), options.BatchSize, "must be at least 2 (BatchNorm needs batch statistics)");
        if (options.BaseLearningRate is { } lr && !(lr > 0 && double.IsFinite(lr)))
            throw Invalid(nameof(ByolOptions.BaseLearningRate), lr, "must be a positive number (or null: the recipe's)");
        if (options.WeightDecay is { } wd && !(wd >= 0 && double.IsFinite(wd)))
            throw Invalid(nameof(ByolOptions.WeightDecay), wd, "must be 0 or more (or null: the recipe's)");
        if (options.TrustCoefficient is { } eta && !(eta > 0 && double.IsFinite(eta)))
            throw Invalid(nameof(ByolOptions.TrustCoefficient), eta, "must be a positive number (or null: the recipe's)");
        if (options.MaxCacheMemoryBytes is < 0)
            throw Invalid(nameof(ByolOptions.MaxCacheMemoryBytes), options.MaxCacheMemoryBytes, "must be 0 or more (or null)");
        RequirePositive(options.MaxImagePixels, nameof(ByolOptions.MaxImagePixels));
        if (!Enum.IsDefined(options.InvalidImageHandling))
            throw Invalid(nameof(ByolOptions.InvalidImageHandling), options.InvalidImageHandling, "must be Throw or Skip");
        if (options.WarmupEpochs is { } warmup && !(warmup >= 0 && double.IsFinite(warmup)))
            throw Invalid(nameof(ByolOptions.WarmupEpochs), warmup, "must be 0 or more (or null: the recipe's)");
        if (options.TauBase is { } tau && !(tau >= 0 && tau <= 1))
            throw Invalid(nameof(ByolOptions.TauBase), tau, "must be in [0, 1] (or null: the recipe's)");
        options.View1?.Validate(nameof(ByolOptions.View1));
        options.View2?.Validate(nameof(ByolOptions.View2));
        if (options.EncoderLearningRateScale is { } scale && !(scale >= 0 && double.IsFinite(scale)))
            throw Invalid(nameof(ByolOptions.EncoderLearningRateScale), scale, "must be 0 or more (or null: the recipe's)");
        if (options.FrozenEncoderFraction is { } frozen && !(frozen >= 0 && frozen <= 1))
            throw Invalid(nameof(ByolOptions.FrozenEncoderFraction), frozen, "must be in [0, 1] (or null: the recipe's)");
        if (options.InitialEncoderPath is { } initial && (initial.Length == 0 || !File.Exists(initial)))
            throw new ArgumentException($"ByolOptions.InitialEncoderPath: the file '{initial}' does not exist.", nameof(ByolOptions.InitialEncoderPath),
                new FileNotFoundException($"The file '{initial}' does not exist.", initial));
        if (options.TimeBudget is { } budget && budget <= TimeSpan.Zero)
            throw Invalid(nameof(ByolOptions.TimeBudget), budget, "must be positive (or null)");
        if (options.MonitorLabelColumnName is { } label)
            RequireName(label, nameof(ByolOptions.MonitorLabelColumnName));
        if (options.MonitorEverySteps is <= 0)
            throw Invalid(nameof(ByolOptions.MonitorEverySteps), options.MonitorEverySteps, "must be positive (or null)");
        try
        {
            DeviceSpec.Parse(options.Device);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"ByolOptions.Device: {e.Message}", nameof(ByolOptions.Device), e);
        }
        if (options.ReportEverySteps is <= 0)
            throw Invalid(nameof(ByolOptions.ReportEverySteps), options.ReportEverySteps, "must be positive (or null: 1 on the CPU, 10 on CUDA)");
        if (options.NumberOfThreads is <= 0)
            throw Invalid(nameof(ByolOptions.NumberOfThreads), options.NumberOfThreads, "must be positive (or null)");
        RequirePositive(options.CheckpointEverySteps, nameof(ByolOptions.CheckpointEverySteps));
        RequirePositive(options.CheckpointsToKeep, nameof(ByolOptions.CheckpointsToKeep));
        if (options.CheckpointDirectory is { Length: 0 })
            throw Invalid(nameof(ByolOptions.CheckpointDirectory), "\"\"", "must be a folder path or null");
    }

    private static void RequireName(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
            throw new ArgumentException($"ByolOptions.{name} must name a column.", name);
    }

    private static void RequirePositive(long value, string name)
    {
        if (value <= 0)
            throw Invalid(name, value, "must be positive");
    }

    private static ArgumentOutOfRangeException Invalid(string name, object? value, string rule)
        => new(name, value, $"ByolOptions.{name} {rule}; it is {value}.");
}
