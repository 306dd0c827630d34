using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Networks;

/// <summary>
/// A ResNet v1 residual block as <see cref="ResNetBlock"/> describes it (basic: two 3×3 convolutions; bottleneck:
/// 1×1 → 3×3 → 1×1, stride on the 3×3), with the projection shortcut <c>downsample</c> = Sequential(Conv 1×1,
/// BatchNorm) where the description has one. Field names are the torchvision state_dict names (<c>conv1</c>,
/// <c>bn1</c>, ..., <c>downsample.0</c>, <c>downsample.1</c>).
/// </summary>
internal sealed class ResidualBlock : nn.Module<Tensor, Tensor>
{
#pragma warning disable IDE1006 // Registered module names follow torchvision's state_dict layout.
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d? conv3;
    private readonly BatchNorm2d? bn3;
    private readonly Sequential? downsample;
#pragma warning restore IDE1006

    public ResidualBlock(ResNetBlock block) : base(nameof(ResidualBlock))
    {
        ArgumentNullException.ThrowIfNull(block);
        var main = block.MainBranch;
        conv1 = Conv(main[0]);
        bn1 = nn.BatchNorm2d(main[0].OutChannels);
        conv2 = Conv(main[1]);
        bn2 = nn.BatchNorm2d(main[1].OutChannels);
        if (main.Count == 3)
        {
            conv3 = Conv(main[2]);
            bn3 = nn.BatchNorm2d(main[2].OutChannels);
        }
        if (block.Shortcut is { } shortcut)
            downsample = nn.Sequential(Conv(shortcut), nn.BatchNorm2d(shortcut.OutChannels));
        RegisterComponents();
    }

    /// <summary>The BatchNorm that closes the residual branch (its γ is zero-initialised).</summary>
    public BatchNorm2d LastNorm => bn3 ?? bn2;

    /// <summary>Whether the ReLUs overwrite their input (<see cref="Torch.StepKernels.InPlaceActivations"/>).</summary>
    public bool InPlaceActivations { get; set; }

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = Relu(bn1.call(conv1.call(input)));
        x = bn2.call(conv2.call(x));
        if (conv3 is not null && bn3 is not null)
            x = bn3.call(conv3.call(Relu(x)));
        var shortcut = downsample is null ? input : downsample.call(input);
        return Relu(x.add_(shortcut)).MoveToOuterDisposeScope();
    }

    private static Conv2d Conv(ResNetBlock.Convolution c) =>
        nn.Conv2d(c.InChannels, c.OutChannels, c.Kernel, stride: c.Stride, padding: c.Padding, bias: false);

    private Tensor Relu(Tensor x) => InPlaceActivations ? x.relu_() : nn.functional.relu(x);
}
