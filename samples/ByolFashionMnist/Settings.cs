using Microsoft.ML.Byol;

namespace ByolFashionMnist;

/// <summary>
/// What the job does (built from the command line by <see cref="SampleCommand"/>). By default: BYOL from ML.NET's
/// ImageNet ResNet-18 at 64 px within a 5-minute budget, the library's recipe choosing everything else; options left
/// null are not set on <see cref="ByolOptions"/>, so the recipe keeps them.
/// </summary>
internal sealed class Settings
{
    public string FashionMnistFolder { get; init; } = FashionMnist.DefaultFolder;
    public string? ImageFolder { get; init; }
    public string Output { get; init; } = "byol-output";
    public double BudgetMinutes { get; init; } = 5;
    public int ImageSize { get; init; } = 64;
    public string? InitialEncoder { get; init; }
    public bool RandomInit { get; init; }
    public ByolArchitecture Architecture { get; init; } = ByolArchitecture.ResNet18;
    public float? Width { get; init; }
    public int? Epochs { get; init; }
    public long? MaxSteps { get; init; }
    public int? BatchSize { get; init; }
    public int? TrainLimit { get; init; }
    public int? TestLimit { get; init; }
    public int? ProbeTrainLimit { get; init; } = 20000;
    public string Device { get; init; } = "auto";
    public int? Threads { get; init; }
    public int Seed { get; init; } = 1;

    /// <summary>The weights BYOL starts from: null for random initialisation.</summary>
    public string? StartingWeights => RandomInit ? null : InitialEncoder ?? MlNetResNet18.Path;

    /// <summary>What the encoder is before any BYOL step, as the summary names it.</summary>
    public string StartName => RandomInit ? "untrained encoder (random init)" : InitialEncoder is null ? "ImageNet ResNet-18, no BYOL" : "initial encoder, no BYOL";

    /// <summary>The options both fits share: input, encoder, image size, device; the recipe sets the rest.</summary>
    public ByolOptions Options(string inputColumn)
    {
        var options = new ByolOptions
        {
            InputColumnName = inputColumn,
            InitialEncoderPath = StartingWeights,
            Architecture = Architecture,
            ImageSize = ImageSize,
            Device = Device,
            NumberOfThreads = Threads,
            Seed = Seed,
        };
        if (Width is { } width)
            options.WidthMultiplier = width;
        if (Epochs is { } epochs)
            options.Epochs = epochs;
        if (MaxSteps is { } steps)
            options.MaxSteps = steps;
        if (BatchSize is { } batch)
            options.BatchSize = batch;
        return options;
    }
}
