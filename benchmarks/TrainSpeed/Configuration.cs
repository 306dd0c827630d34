namespace ByolBenchmarks;

/// <summary>One compared training configuration; both children get the same values.</summary>
/// <param name="Key">Short name used by <c>--configs</c>.</param>
/// <param name="Arch">resnet18 or resnet50.</param>
/// <param name="Size">Image side in pixels (≤ 64: small-image stem on both sides).</param>
/// <param name="Batch">Images per step (each gives one pair of views).</param>
/// <param name="Width">Width multiplier.</param>
/// <param name="Hidden">Hidden width of projector and predictor.</param>
/// <param name="Projection">Output size of projector and predictor.</param>
/// <param name="StepDivisor">Divides the timed and warm-up step counts (ResNet-50 at 64 px takes ≈ 30 s a step on 2 cores).</param>
internal sealed record Configuration(string Key, string Arch, int Size, int Batch, float Width = 1f, int Hidden = 4096, int Projection = 256, int StepDivisor = 1)
{
    /// <summary>The configurations of issue 5.</summary>
    public static readonly IReadOnlyList<Configuration> All = new[]
    {
        new Configuration("r18", "resnet18", 32, 64),
        new Configuration("r50", "resnet50", 64, 32, StepDivisor: 4),
    };

    /// <summary>Small-image stem (3×3 stride 1, no max-pool), as both sides choose automatically for ≤ 64 px.</summary>
    public bool SmallStem => Size <= 64;

    /// <summary>Timed steps per child for this configuration (at least 2).</summary>
    public int TimedSteps(int steps) => Math.Max(2, steps / StepDivisor);

    /// <summary>Warm-up steps per child for this configuration (at least 1).</summary>
    public int WarmupSteps(int warmup) => Math.Max(1, warmup / StepDivisor);

    /// <summary>Human-readable label.</summary>
    public string Label => $"{(Arch == "resnet18" ? "ResNet-18" : "ResNet-50")} x{Width:0.##}, {(SmallStem ? "small" : "standard")} stem, {Size} px, batch {Batch}, MLP {Hidden}->{Projection}";
}
