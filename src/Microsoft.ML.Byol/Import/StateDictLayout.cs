using System.Text.RegularExpressions;

namespace Microsoft.ML.Byol.Import;

/// <summary>
/// Infers the <see cref="ResNetLayout"/> of a torchvision-layout ResNet state_dict from its names and shapes:
/// blocks per stage from the <c>layerN.i.</c> indices, bottleneck from <c>conv3</c>, width from the stem channels
/// (conv1 = 64 × width), and the stem from conv1's kernel (7×7: torchvision's, with max-pool; 3×3: this library's
/// small-image stem, without max-pool). Whether the shapes really fit the layout is checked when copying.
/// </summary>
internal static partial class StateDictLayout
{
    public static ResNetLayout Infer(IReadOnlyDictionary<string, (float[] Data, long[] Shape)> weights, string source)
    {
        if (!weights.TryGetValue("conv1.weight", out var conv1))
            throw new InvalidDataException($"'{source}' is not a torchvision ResNet state_dict: it has no 'conv1.weight' " +
                $"(first names: {string.Join(", ", weights.Keys.Take(5))}).");
        long[] shape = conv1.Shape;
        if (shape.Length != 4 || shape[1] != 3 || shape[2] != shape[3] || shape[2] is not (3 or 7) || shape[0] < 1 || shape[0] > int.MaxValue)
            throw new InvalidDataException($"'{source}': conv1.weight has shape [{string.Join(", ", shape)}]; a ResNet stem is [64·width, 3, 7, 7] or [64·width, 3, 3, 3].");

        var blocks = new int[4];
        foreach (string name in weights.Keys)
        {
            var match = BlockName().Match(name);
            if (match.Success)
            {
                int stage = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1;
                int index = int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (stage is >= 0 and < 4)
                    blocks[stage] = Math.Max(blocks[stage], index + 1);
            }
        }

        if (blocks.Any(b => b == 0))
            throw new InvalidDataException($"'{source}' is not a torchvision ResNet state_dict: stages layer1..layer4 have [{string.Join(",", blocks)}] blocks.");
        bool bottleneck = weights.ContainsKey("layer1.0.conv3.weight");
        var architecture = ArchitectureGuess.For(bottleneck, blocks);
        var layout = new ResNetLayout(architecture, shape[0] / 64f, shape[2] == 3, blocks);
        if (layout.StemChannels != shape[0])
            throw new InvalidDataException($"'{source}': a stem of {shape[0]} channels is not 64 × a width multiplier.");
        return layout;
    }

    [GeneratedRegex(@"^layer(\d+)\.(\d+)\.")]
    private static partial Regex BlockName();
}
