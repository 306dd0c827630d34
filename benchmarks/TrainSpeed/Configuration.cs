namespace ByolBenchmarks;

/// <summary>One compared training configuration; both children get the same values.</summary>
/// <param name="Key">Short name used by <c>--configs</c>.</param>
/// <param name="Arch">resnet18 or resnet50.</param>
/// <param name="Size">Image side in pixels (≤ 64: small-image stem on both sides).</param>
/// <param name="Batch">Images per step (each gives one pair of views).</param>
/// <param name="Width">Width multiplier.</param>
/// <param name="Hidden">Hidden width of projector and predictor.</param>
/// <param name="Projection">Output size of projector and predictor.</param>
internal sealed record Configuration(string Key, string Arch, int Size, int Batch, float Width = 1f, int Hidden = 4096, int Projection = 256)
{
    /// <summary>The configurations of issue 5.</summary>
    public static readonly IReadOnlyList<Configuration> All = new[]
    {
        new Configuration("r18", "resnet18", 32, 64),
        new Configuration("r50", "resnet50", 64, 32),
    };

    /// <summary>Small-image stem (3×3 stride 1, no max-pool), as both sides choose automatically for ≤ 64 px.</summary>
    public bool SmallStem => Size <= 64;

    /// <summary>Human-readable label.</summary>
    public string Label => $"{(Arch == "resnet18" ? "ResNet-18" : "ResNet-50")} x{Width:0.##}, {(SmallStem ? "small" : "standard")} stem, {Size} px, batch {Batch}, MLP {Hidden}->{Projection}";
}
