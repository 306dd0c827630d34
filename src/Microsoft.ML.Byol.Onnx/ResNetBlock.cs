namespace Microsoft.ML.Byol;

/// <summary>
/// One residual block of a <see cref="ResNetLayout"/> (<see cref="ResNetLayout.Blocks"/>), as torchvision's ResNet v1
/// builds it: the one statement of the block rule that the TorchSharp network, the ONNX writer, the ONNX import and
/// the FLOP count all walk. A basic block is two 3×3 convolutions; a bottleneck is 1×1 → 3×3 → 1×1 with the stride
/// on the 3×3 ("ResNet v1.5", torchvision's). Each convolution is followed by a BatchNorm, and by a ReLU except the
/// last; the shortcut is the identity, or a projection <c>downsample</c> = 1×1 convolution + BatchNorm when the block
/// changes the resolution or the number of channels.
/// </summary>
/// <param name="Stage">Stage, 0..3 (torchvision's <c>layer1</c> … <c>layer4</c>).</param>
/// <param name="Index">Position in its stage, from 0.</param>
/// <param name="InChannels">Channels the block reads.</param>
/// <param name="Planes">Inner width of the block (<see cref="ResNetLayout.StageWidth"/>).</param>
/// <param name="OutChannels">Channels the block writes: <paramref name="Planes"/> × <see cref="ResNetLayout.Expansion"/>.</param>
/// <param name="Stride">2 for the first block of stages 1..3 (<see cref="ResNetLayout.StageStride"/>), otherwise 1.</param>
/// <param name="Bottleneck">True for a bottleneck block (ResNet-50/101/152), false for a basic one.</param>
internal sealed record ResNetBlock(int Stage, int Index, int InChannels, int Planes, int OutChannels, int Stride, bool Bottleneck)
{
    /// <summary>The block's state_dict prefix: <c>layer{Stage + 1}.{Index}</c> (its parameters are <c>conv1</c>, <c>bn1</c>, …, <c>downsample.0</c>, <c>downsample.1</c> under it).</summary>
    public string Prefix => $"layer{Stage + 1}.{Index}";

    /// <summary>True when the shortcut is a projection (<c>downsample</c>): the block changes the resolution or the channels.</summary>
    public bool HasDownsample => Stride != 1 || InChannels != OutChannels;

    /// <summary>
    /// The convolutions of the main branch in order (<c>conv1</c>, <c>conv2</c>[, <c>conv3</c>], each with the
    /// BatchNorm of the same number): 3×3 stride s, 3×3 for a basic block; 1×1, 3×3 stride s, 1×1 for a bottleneck.
    /// </summary>
    public IReadOnlyList<Convolution> MainBranch => Bottleneck
        ? new[] { new Convolution(InChannels, Planes, 1, 1), new Convolution(Planes, Planes, 3, Stride), new Convolution(Planes, OutChannels, 1, 1) }
        : new[] { new Convolution(InChannels, Planes, 3, Stride), new Convolution(Planes, Planes, 3, 1) };

    /// <summary>The projection shortcut (<c>downsample.0</c>, then BatchNorm <c>downsample.1</c>): 1×1 stride s; null for an identity shortcut.</summary>
    public Convolution? Shortcut => HasDownsample ? new Convolution(InChannels, OutChannels, 1, Stride) : null;

    /// <summary>A bias-free square convolution of a block or of the stem (<see cref="ResNetLayout.StemConvolution"/>), padded by <see cref="Padding"/> on every side.</summary>
    /// <param name="InChannels">Channels it reads.</param>
    /// <param name="OutChannels">Channels it writes.</param>
    /// <param name="Kernel">Side of the kernel: 1 or 3 in blocks, 3 or 7 in the stem.</param>
    /// <param name="Stride">Stride: 1 or 2.</param>
    internal readonly record struct Convolution(int InChannels, int OutChannels, int Kernel, int Stride)
    {
        /// <summary>Zero padding on every side: kernel / 2 (so a stride-1 convolution keeps the size).</summary>
        public int Padding => Kernel / 2;

        /// <summary>Output side for an input side of <paramref name="input"/> (<see cref="ResNetLayout.WindowOutputSide"/>).</summary>
        public int OutputSide(int input) => ResNetLayout.WindowOutputSide(input, Kernel, Stride, Padding);
    }
}
