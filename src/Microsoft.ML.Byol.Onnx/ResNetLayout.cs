namespace Microsoft.ML.Byol;

/// <summary>
/// The shape of a ResNet v1 encoder: what the TorchSharp network builds and what the ONNX writer walks.
/// Parameter names follow torchvision's state_dict layout (<c>conv1</c>, <c>bn1</c>, <c>layer1.0.conv1</c>,
/// <c>layer1.0.downsample.0</c>, ...).
/// </summary>
internal sealed record ResNetLayout(ByolArchitecture Architecture, float WidthMultiplier, bool SmallImageStem)
{
    /// <summary>True for ResNet-50/101/152 (1×1 → 3×3 → 1×1 bottleneck blocks, expansion 4).</summary>
    public bool Bottleneck => Architecture is ByolArchitecture.ResNet50 or ByolArchitecture.ResNet101 or ByolArchitecture.ResNet152;

    /// <summary>Output channels of a block relative to its inner width.</summary>
    public int Expansion => Bottleneck ? 4 : 1;

    /// <summary>Number of residual blocks in each of the four stages.</summary>
    public IReadOnlyList<int> BlocksPerStage => Architecture switch
    {
        ByolArchitecture.ResNet18 => new[] { 2, 2, 2, 2 },
        ByolArchitecture.ResNet34 => new[] { 3, 4, 6, 3 },
        ByolArchitecture.ResNet50 => new[] { 3, 4, 6, 3 },
        ByolArchitecture.ResNet101 => new[] { 3, 4, 23, 3 },
        ByolArchitecture.ResNet152 => new[] { 3, 8, 36, 3 },
        _ => throw new ArgumentOutOfRangeException(nameof(Architecture), Architecture, "Unknown ResNet architecture."),
    };

    /// <summary>Channels of the stem convolution (64 × width).</summary>
    public int StemChannels => Scale(64);

    /// <summary>Inner width ("planes") of the blocks in stage <paramref name="stage"/> (0..3): 64, 128, 256, 512 × width.</summary>
    public int StageWidth(int stage) => Scale(64 << stage);

    /// <summary>Size of the representation y (global-average-pooled output of the last stage).</summary>
    public int EmbeddingSize => StageWidth(3) * Expansion;

    /// <summary>Stride of the first block of stage <paramref name="stage"/>.</summary>
    public static int StageStride(int stage) => stage == 0 ? 1 : 2;

    private int Scale(int channels) => Math.Max(1, (int)Math.Round(channels * WidthMultiplier, MidpointRounding.AwayFromZero));
}
