namespace Microsoft.ML.Byol.Onnx.Tests.Support;

/// <summary>
/// A torchvision-style ResNet state dict with random weights and non-trivial batch-norm statistics, written here
/// independently of the builder (names, shapes and downsample rule as in torchvision/models/resnet.py), with a naive
/// reference forward pass of the eval-mode network.
/// </summary>
internal sealed class RandomResNet
{
    private const double Eps = 1e-5;
    private static readonly float[] Mean = { 0.485f, 0.456f, 0.406f };
    private static readonly float[] Std = { 0.229f, 0.224f, 0.225f };

    private readonly Random _random;
    private readonly bool _bottleneck;
    private readonly int[] _blocks;
    private readonly int _stemWidth;
    private readonly int[] _stageWidths;
    private readonly bool _smallStem;

    public RandomResNet(int[] blocks, bool bottleneck, int stemWidth, int[] stageWidths, bool smallStem, int seed)
    {
        _random = new Random(seed);
        _blocks = blocks;
        _bottleneck = bottleneck;
        _stemWidth = stemWidth;
        _stageWidths = stageWidths;
        _smallStem = smallStem;
        Build();
    }

    public Dictionary<string, (float[] Data, long[] Shape)> StateDict { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Requested { get; } = new(StringComparer.Ordinal);

    public int Expansion => _bottleneck ? 4 : 1;

    public int EmbeddingSize => _stageWidths[3] * Expansion;

    /// <summary>Channel counts are taken from the layout (its rounding rule is the contract); names and wiring are not.</summary>
    public static RandomResNet For(ResNetLayout layout, int seed) =>
        new(layout.BlocksPerStage.ToArray(), layout.Bottleneck, layout.StemChannels,
            Enumerable.Range(0, 4).Select(layout.StageWidth).ToArray(), layout.SmallImageStem, seed);

    /// <summary>The weight source handed to the builder: records what was asked for.</summary>
    public (float[] Data, long[] Shape) Get(string name)
    {
        Requested.Add(name);
        return StateDict.TryGetValue(name, out var value)
            ? value
            : throw new KeyNotFoundException($"The builder asked for '{name}', which torchvision's state dict does not have.");
    }

    public float[,] Forward(Tensor4 pixels)
    {
        var x = NaiveOps.Normalise(pixels, Mean, Std);
        if (_smallStem)
        {
            x = NaiveOps.Relu(ConvBn(x, "conv1", "bn1", 3, 1, 1));
        }
        else
        {
            x = NaiveOps.Relu(ConvBn(x, "conv1", "bn1", 7, 2, 3));
            x = NaiveOps.MaxPool(x, 3, 2, 1);
        }

        for (int stage = 0; stage < 4; stage++)
        {
            for (int b = 0; b < _blocks[stage]; b++)
            {
                string p = $"layer{stage + 1}.{b}";
                int stride = b == 0 && stage > 0 ? 2 : 1;
                Tensor4 y;
                if (_bottleneck)
                {
                    y = NaiveOps.Relu(ConvBn(x, $"{p}.conv1", $"{p}.bn1", 1, 1, 0));
                    y = NaiveOps.Relu(ConvBn(y, $"{p}.conv2", $"{p}.bn2", 3, stride, 1));
                    y = ConvBn(y, $"{p}.conv3", $"{p}.bn3", 1, 1, 0);
                }
                else
                {
                    y = NaiveOps.Relu(ConvBn(x, $"{p}.conv1", $"{p}.bn1", 3, stride, 1));
                    y = ConvBn(y, $"{p}.conv2", $"{p}.bn2", 3, 1, 1);
                }

                var shortcut = StateDict.ContainsKey($"{p}.downsample.0.weight")
                    ? ConvBn(x, $"{p}.downsample.0", $"{p}.downsample.1", 1, stride, 0)
                    : x;
                x = NaiveOps.Relu(NaiveOps.Add(y, shortcut));
            }
        }

        return NaiveOps.GlobalAveragePool(x);
    }

    private Tensor4 ConvBn(Tensor4 x, string conv, string bn, int kernel, int stride, int pad)
    {
        var (w, shape) = StateDict[$"{conv}.weight"];
        var y = NaiveOps.Conv(x, w, null, (int)shape[0], kernel, stride, pad);
        return NaiveOps.BatchNorm(y, StateDict[$"{bn}.weight"].Data, StateDict[$"{bn}.bias"].Data,
            StateDict[$"{bn}.running_mean"].Data, StateDict[$"{bn}.running_var"].Data, Eps);
    }

    private void Build()
    {
        int inplanes = _stemWidth;
        AddConvBn("conv1", "bn1", inplanes, 3, _smallStem ? 3 : 7);
        for (int stage = 0; stage < 4; stage++)
        {
            int planes = _stageWidths[stage];
            int stride = stage == 0 ? 1 : 2;
            for (int b = 0; b < _blocks[stage]; b++)
            {
                string p = $"layer{stage + 1}.{b}";
                if (_bottleneck)
                {
                    AddConvBn($"{p}.conv1", $"{p}.bn1", planes, inplanes, 1);
                    AddConvBn($"{p}.conv2", $"{p}.bn2", planes, planes, 3);
                    AddConvBn($"{p}.conv3", $"{p}.bn3", planes * 4, planes, 1);
                }
                else
                {
                    AddConvBn($"{p}.conv1", $"{p}.bn1", planes, inplanes, 3);
                    AddConvBn($"{p}.conv2", $"{p}.bn2", planes, planes, 3);
                }

                if (b == 0 && (stride != 1 || inplanes != planes * Expansion))
                {
                    AddConvBn($"{p}.downsample.0", $"{p}.downsample.1", planes * Expansion, inplanes, 1);
                }

                inplanes = planes * Expansion;
            }
        }
    }

    private void AddConvBn(string conv, string bn, int outChannels, int inChannels, int kernel)
    {
        int fanIn = inChannels * kernel * kernel;
        double std = Math.Sqrt(2.0 / fanIn);
        StateDict[$"{conv}.weight"] = (Fill(outChannels * fanIn, () => (float)(std * Gaussian())), new long[] { outChannels, inChannels, kernel, kernel });
        long[] c = { outChannels };
        StateDict[$"{bn}.weight"] = (Fill(outChannels, () => 0.5f + _random.NextSingle()), c);
        StateDict[$"{bn}.bias"] = (Fill(outChannels, () => (float)(0.2 * Gaussian())), c);
        StateDict[$"{bn}.running_mean"] = (Fill(outChannels, () => (float)(0.3 * Gaussian())), c);
        StateDict[$"{bn}.running_var"] = (Fill(outChannels, () => 0.3f + (1.7f * _random.NextSingle())), c);
    }

    private float[] Fill(int count, Func<float> next)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = next();
        }

        return values;
    }

    private double Gaussian()
    {
        double u1 = 1.0 - _random.NextDouble(), u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
