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
        RequirePositive(options.ProjectorHiddenSize, nameof(ByolOptions.ProjectorHiddenSize));
        RequirePositive(options.ProjectionSize, nameof(ByolOptions.ProjectionSize));
        RequirePositive(options.PredictorHiddenSize, nameof(ByolOptions.PredictorHiddenSize));
        RequirePositive(options.Epochs, nameof(ByolOptions.Epochs));
        if (options.MaxSteps is < 0)
            throw Invalid(nameof(ByolOptions.MaxSteps), options.MaxSteps, "must be 0 or more (or null)");
        if (options.BatchSize < 2)
            throw Invalid(nameof(ByolOptions.BatchSize), options.BatchSize, "must be at least 2 (BatchNorm needs batch statistics)");
        if (!(options.BaseLearningRate > 0 && double.IsFinite(options.BaseLearningRate)))
            throw Invalid(nameof(ByolOptions.BaseLearningRate), options.BaseLearningRate, "must be a positive number");
        if (!(options.WeightDecay >= 0 && double.IsFinite(options.WeightDecay)))
            throw Invalid(nameof(ByolOptions.WeightDecay), options.WeightDecay, "must be 0 or more");
        if (!(options.TrustCoefficient > 0 && double.IsFinite(options.TrustCoefficient)))
            throw Invalid(nameof(ByolOptions.TrustCoefficient), options.TrustCoefficient, "must be a positive number");
        if (options.MaxCacheMemoryBytes is < 0)
            throw Invalid(nameof(ByolOptions.MaxCacheMemoryBytes), options.MaxCacheMemoryBytes, "must be 0 or more (or null)");
        if (!(options.WarmupEpochs >= 0 && double.IsFinite(options.WarmupEpochs)))
            throw Invalid(nameof(ByolOptions.WarmupEpochs), options.WarmupEpochs, "must be 0 or more");
        if (!(options.TauBase >= 0 && options.TauBase <= 1))
            throw Invalid(nameof(ByolOptions.TauBase), options.TauBase, "must be in [0, 1]");
        if (options.View1 is null)
            throw new ArgumentNullException(nameof(ByolOptions.View1), "ByolOptions.View1 must be set.");
        if (options.View2 is null)
            throw new ArgumentNullException(nameof(ByolOptions.View2), "ByolOptions.View2 must be set.");
        options.View1.Validate(nameof(ByolOptions.View1));
        options.View2.Validate(nameof(ByolOptions.View2));
        try
        {
            DeviceSpec.Parse(options.Device);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"ByolOptions.Device: {e.Message}", nameof(ByolOptions.Device), e);
        }
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
