namespace Microsoft.ML.Byol.Import;

/// <summary>
/// Names the ResNet family of a network found in a file: basic blocks → ResNet-18 or -34, bottleneck → ResNet-50, -101
/// or -152, whichever standard block counts are closest (the layout keeps the file's own counts, e.g. 2-2-2-3).
/// </summary>
internal static class ArchitectureGuess
{
    public static ByolArchitecture For(bool bottleneck, IReadOnlyList<int> blocksPerStage)
    {
        var candidates = bottleneck
            ? new[] { ByolArchitecture.ResNet50, ByolArchitecture.ResNet101, ByolArchitecture.ResNet152 }
            : new[] { ByolArchitecture.ResNet18, ByolArchitecture.ResNet34 };
        return candidates
            .OrderBy(a => ResNetLayout.DefaultBlocksPerStage(a).Zip(blocksPerStage, (d, b) => Math.Abs(d - b)).Sum())
            .First();
    }
}
