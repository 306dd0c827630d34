using System.Globalization;

namespace Microsoft.ML.Byol;

/// <summary>
/// The shape of a ResNet v1 encoder: what the TorchSharp network builds and what the ONNX writer walks.
/// Parameter names follow torchvision's state_dict layout (<c>conv1</c>, <c>bn1</c>, <c>layer1.0.conv1</c>,
/// <c>layer1.0.downsample.0</c>, ...).
/// </summary>
/// <remarks>
/// The number of residual blocks per stage defaults to the architecture's (<see cref="DefaultBlocksPerStage"/>) and
/// may be overridden: ML.NET's DnnImageFeaturizer "ResNet18" has 2, 2, 2, 3 basic blocks, not torchvision's 2, 2, 2, 2.
/// Equality compares the block counts by value.
/// </remarks>
internal sealed record ResNetLayout(ByolArchitecture Architecture, float WidthMultiplier, bool SmallImageStem)
{
    private readonly int[] _blocksPerStage = DefaultBlocks(Architecture);

    /// <summary>A layout with explicit block counts (null: the architecture's default).</summary>
    public ResNetLayout(ByolArchitecture architecture, float widthMultiplier, bool smallImageStem, IReadOnlyList<int>? blocksPerStage)
        : this(architecture, widthMultiplier, smallImageStem)
    {
        if (blocksPerStage is not null)
            BlocksPerStage = blocksPerStage;
    }

    /// <summary>True for ResNet-50/101/152 (1×1 → 3×3 → 1×1 bottleneck blocks, expansion 4).</summary>
    public bool Bottleneck => Architecture is ByolArchitecture.ResNet50 or ByolArchitecture.ResNet101 or ByolArchitecture.ResNet152;

    /// <summary>Output channels of a block relative to its inner width.</summary>
    public int Expansion => Bottleneck ? 4 : 1;

    /// <summary>Number of residual blocks in each of the four stages (each at least 1).</summary>
    public IReadOnlyList<int> BlocksPerStage
    {
        get => Array.AsReadOnly(_blocksPerStage);
        init => _blocksPerStage = Validate(value);
    }

    /// <summary>True when <see cref="BlocksPerStage"/> is the architecture's standard one.</summary>
    public bool HasDefaultBlocks => _blocksPerStage.SequenceEqual(DefaultBlocks(Architecture));

    /// <summary>The block counts as written in metadata and fingerprints: "2,2,2,2".</summary>
    public string BlocksText => FormatBlocks(_blocksPerStage);

    /// <summary>Channels of the stem convolution (64 × width).</summary>
    public int StemChannels => Scale(64);

    /// <summary>
    /// The stem convolution <c>conv1</c> (then BatchNorm <c>bn1</c> and a ReLU): torchvision's 7×7 stride 2, or for
    /// the small-image stem 3×3 stride 1 (the CIFAR variant of SimCLR and BYOL's small-image experiments, which keeps
    /// the resolution of images of 64 px and less). The one statement of the stem that the TorchSharp network, the
    /// ONNX writer, the ONNX import and the FLOP counts use.
    /// </summary>
    public ResNetBlock.Convolution StemConvolution
    {
        get
        {
            var (kernel, stride) = StemShape(SmallImageStem);
            return new ResNetBlock.Convolution(3, StemChannels, kernel, stride);
        }
    }

    /// <summary>The max-pool after the standard stem (<see cref="StandardStemPool"/>); null for the small-image stem, which has none.</summary>
    public Pooling? StemPool => SmallImageStem ? null : StandardStemPool;

    /// <summary>Kernel side and stride of the stem convolution: 3, 1 for the small-image stem; 7, 2 for the standard one.</summary>
    public static (int Kernel, int Stride) StemShape(bool smallImageStem) => smallImageStem ? (3, 1) : (7, 2);

    /// <summary>torchvision's max-pool after the 7×7 stem: 3×3, stride 2, padding 1.</summary>
    public static Pooling StandardStemPool => new(3, 2, 1);

    /// <summary>A square max-pool.</summary>
    /// <param name="Kernel">Side of the window.</param>
    /// <param name="Stride">Stride.</param>
    /// <param name="Padding">Padding on every side.</param>
    internal readonly record struct Pooling(int Kernel, int Stride, int Padding)
    {
        /// <summary>Output side for an input side of <paramref name="input"/> (<see cref="WindowOutputSide"/>).</summary>
        public int OutputSide(int input) => WindowOutputSide(input, Kernel, Stride, Padding);
    }

    /// <summary>Output side of a square sliding window (convolution or pooling) over an input side of
    /// <paramref name="input"/>, in floor mode as torchvision's layers: (input + 2·padding − kernel) / stride + 1.</summary>
    public static int WindowOutputSide(int input, int kernel, int stride, int padding) => (input + 2 * padding - kernel) / stride + 1;

    /// <summary>Inner width ("planes") of the blocks in stage <paramref name="stage"/> (0..3): 64, 128, 256, 512 × width.</summary>
    public int StageWidth(int stage) => Scale(64 << stage);

    /// <summary>Size of the representation y (global-average-pooled output of the last stage).</summary>
    public int EmbeddingSize => StageWidth(3) * Expansion;

    /// <summary>Stride of the first block of stage <paramref name="stage"/>.</summary>
    public static int StageStride(int stage) => stage == 0 ? 1 : 2;

    /// <summary>
    /// The residual blocks in network order, each with its channels, stride, convolutions and shortcut
    /// (<see cref="ResNetBlock"/>): what the TorchSharp network builds, the ONNX writer writes and the import checks.
    /// </summary>
    public IReadOnlyList<ResNetBlock> Blocks
    {
        get
        {
            var blocks = new List<ResNetBlock>();
            int inChannels = StemChannels;
            for (int stage = 0; stage < 4; stage++)
            {
                int planes = StageWidth(stage), outChannels = planes * Expansion;
                for (int index = 0; index < _blocksPerStage[stage]; index++)
                {
                    int stride = index == 0 ? StageStride(stage) : 1;
                    blocks.Add(new ResNetBlock(stage, index, inChannels, planes, outChannels, stride, Bottleneck));
                    inChannels = outChannels;
                }
            }

            return blocks.AsReadOnly();
        }
    }

    /// <summary>The standard block counts of <paramref name="architecture"/> (torchvision's).</summary>
    public static IReadOnlyList<int> DefaultBlocksPerStage(ByolArchitecture architecture) => Array.AsReadOnly(DefaultBlocks(architecture));

    /// <summary>Formats block counts as "a,b,c,d".</summary>
    public static string FormatBlocks(IEnumerable<int> blocks) =>
        string.Join(",", blocks.Select(b => b.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Parses "a,b,c,d" (four positive integers); null when malformed.</summary>
    public static int[]? ParseBlocks(string text)
    {
        string[] parts = text.Split(',');
        if (parts.Length != 4)
            return null;
        var blocks = new int[4];
        for (int i = 0; i < 4; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out blocks[i]) || blocks[i] < 1)
                return null;
        }

        return blocks;
    }

    /// <inheritdoc/>
    public bool Equals(ResNetLayout? other) =>
        other is not null && Architecture == other.Architecture && WidthMultiplier.Equals(other.WidthMultiplier)
        && SmallImageStem == other.SmallImageStem && _blocksPerStage.SequenceEqual(other._blocksPerStage);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Architecture, WidthMultiplier, SmallImageStem, BlocksText);

    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Architecture = {Architecture}, WidthMultiplier = {WidthMultiplier}, ")
            .Append(CultureInfo.InvariantCulture, $"SmallImageStem = {SmallImageStem}, BlocksPerStage = [{BlocksText}]");
        return true;
    }

    private static int[] DefaultBlocks(ByolArchitecture architecture) => architecture switch
    {
        ByolArchitecture.ResNet18 => new[] { 2, 2, 2, 2 },
        ByolArchitecture.ResNet34 => new[] { 3, 4, 6, 3 },
        ByolArchitecture.ResNet50 => new[] { 3, 4, 6, 3 },
        ByolArchitecture.ResNet101 => new[] { 3, 4, 23, 3 },
        ByolArchitecture.ResNet152 => new[] { 3, 8, 36, 3 },
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "Unknown ResNet architecture."),
    };

    private static int[] Validate(IReadOnlyList<int> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count != 4 || blocks.Any(b => b < 1))
        {
            throw new ArgumentException(
                $"A ResNet has four stages of at least one block each; got [{FormatBlocks(blocks)}].", nameof(blocks));
        }

        return blocks.ToArray();
    }

    private int Scale(int channels) => Math.Max(1, (int)Math.Round(channels * WidthMultiplier, MidpointRounding.AwayFromZero));
}
