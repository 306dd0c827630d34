using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Networks;

/// <summary>
/// A ResNet v1 residual block, basic (two 3×3 convolutions) or bottleneck (1×1 → 3×3 → 1×1, stride on the 3×3),
/// with an optional projection shortcut <c>downsample</c> = Sequential(Conv 1×1, BatchNorm). Field names are the
/// torchvision state_dict names (<c>conv1</c>, <c>bn1</c>, ..., <c>downsample.0</c>, <c>downsample.1</c>).
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

    public ResidualBlock(long inChannels, long planes, long stride, bool bottleneck) : base(nameof(ResidualBlock))
    {
        long expansion = bottleneck ? 4 : 1;
        long outChannels = planes * expansion;
        if (bottleneck)
        {
            conv1 = nn.Conv2d(inChannels, planes, 1, bias: false);
            bn1 = nn.BatchNorm2d(planes);
            conv2 = nn.Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false);
            bn2 = nn.BatchNorm2d(planes);
            conv3 = nn.Conv2d(planes, outChannels, 1, bias: false);
            bn3 = nn.BatchNorm2d(outChannels);
        }
        else
        {
            conv1 = nn.Conv2d(inChannels, planes, 3, stride: stride, padding: 1, bias: false);
            bn1 = nn.BatchNorm2d(planes);
            conv2 = nn.Conv2d(planes, planes, 3, padding: 1, bias: false);
            bn2 = nn.BatchNorm2d(planes);
        }
        if (stride != 1 || inChannels != outChannels)
            downsample = nn.Sequential(nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false), nn.BatchNorm2d(outChannels));
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

    private Tensor Relu(Tensor x) => InPlaceActivations ? x.relu_() : nn.functional.relu(x);
}
