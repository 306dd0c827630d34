using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Networks;

/// <summary>
/// The BYOL encoder f: a ResNet v1 (18/34/50/101/152) with a width multiplier, whose output is the
/// global-average-pooled representation y of size <see cref="ResNetLayout.EmbeddingSize"/> (no classifier).
/// The small-image stem (3×3 stride-1 convolution, no max-pool) is for images of 64 px and less.
/// </summary>
internal sealed class ResNet : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Registered module names follow torchvision's state_dict layout.
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly MaxPool2d? maxpool;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
#pragma warning restore IDE1006

    public ResNet(ResNetLayout layout) : base(nameof(ResNet))
    {
        Layout = layout;
        var stem = layout.StemConvolution;
        conv1 = nn.Conv2d(stem.InChannels, stem.OutChannels, stem.Kernel, stride: stem.Stride, padding: stem.Padding, bias: false);
        bn1 = nn.BatchNorm2d(stem.OutChannels);
        if (layout.StemPool is { } pool)
            maxpool = nn.MaxPool2d(pool.Kernel, stride: pool.Stride, padding: pool.Padding);

        var blocks = layout.Blocks;
        var stages = new Sequential[4];
        for (int stage = 0; stage < 4; stage++)
        {
            stages[stage] = nn.Sequential(blocks.Where(b => b.Stage == stage)
                .Select(b => (nn.Module<Tensor, Tensor>)new ResidualBlock(b)).ToList());
        }
        (layer1, layer2, layer3, layer4) = (stages[0], stages[1], stages[2], stages[3]);
        RegisterComponents();
        Initialize();
    }

    /// <summary>Architecture, width and stem of this encoder.</summary>
    public ResNetLayout Layout { get; }

    /// <summary>Whether the ReLUs overwrite their input (<see cref="Torch.StepKernels.InPlaceActivations"/>), here and in every block.</summary>
    public bool InPlaceActivations
    {
        get => _inPlace;
        set
        {
            _inPlace = value;
            foreach (var block in Blocks())
                block.InPlaceActivations = value;
        }
    }

    /// <summary>
    /// Benchmark-only: called after each stage of <see cref="forward"/> (stem, layer1 … layer4, pool) with the stage's
    /// name and its wall-clock time; null (the default) times nothing.
    /// </summary>
    public Action<string, TimeSpan>? StageTimed { get; set; }

    private bool _inPlace;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var stages = StageTimed is null ? null : new StageClock(StageTimed);
        var stem = bn1.call(conv1.call(input));
        var x = _inPlace ? stem.relu_() : nn.functional.relu(stem);
        if (maxpool is not null)
            x = maxpool.call(x);
        stages?.End("stem");
        x = layer1.call(x);
        stages?.End("layer1");
        x = layer2.call(x);
        stages?.End("layer2");
        x = layer3.call(x);
        stages?.End("layer3");
        x = layer4.call(x);
        stages?.End("layer4");
        var pooled = x.mean(new long[] { 2, 3 });
        stages?.End("pool");
        return pooled.MoveToOuterDisposeScope();
    }

    private IEnumerable<ResidualBlock> Blocks()
        => new[] { layer1, layer2, layer3, layer4 }.SelectMany(s => s.children()).OfType<ResidualBlock>();

    /// <summary>Wall-clock time of consecutive stages (CPU operators are synchronous, so a stage's time is its own).</summary>
    private sealed class StageClock(Action<string, TimeSpan> report)
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

        public void End(string stage)
        {
            report(stage, _clock.Elapsed);
            _clock.Restart();
        }
    }

    /// <summary>
    /// He (fan-out) initialisation of convolutions, BatchNorm γ = 1 and β = 0, and γ = 0 for the last BatchNorm of
    /// every residual block so that each block starts as the identity (as the official BYOL code does).
    /// </summary>
    private void Initialize()
    {
        using var noGrad = no_grad();
        foreach (var (_, module) in named_modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    break;
                case BatchNorm2d norm:
                    nn.init.ones_(norm.weight);
                    nn.init.zeros_(norm.bias);
                    break;
            }
        }
        foreach (var block in Blocks())
            nn.init.zeros_(block.LastNorm.weight);
    }
}
