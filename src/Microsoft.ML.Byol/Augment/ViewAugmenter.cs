using TorchSharp;

namespace Microsoft.ML.Byol.Augment;

/// <summary>
/// Makes one BYOL view of a batch on the batch's device, in the paper's order: random resized crop (of each image's
/// content box, resized to the output size with antialiasing) → horizontal flip → colour jitter → grayscale → Gaussian blur → solarize → ImageNet normalisation.
/// Every random value is drawn per image from the caller's CPU <see cref="torch.Generator"/>; each op then moves its
/// parameters for the whole batch to the device in one small tensor (<see cref="Torch.HostToDevice"/>: pinned and
/// non-blocking on CUDA), so the pixels never leave the device and no op loops over images.
/// </summary>
internal sealed class ViewAugmenter
{
    private readonly ByolViewOptions _options;

    /// <summary>Creates an augmenter for one view; the options are validated and copied.</summary>
    /// <param name="options">The view's recipe.</param>
    /// <param name="outputSize">Side of the square views produced.</param>
    public ViewAugmenter(ByolViewOptions options, int outputSize)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        options.Validate(nameof(options));
        _options = options.Clone();
        OutputSize = outputSize;
    }

    /// <summary>Side of the square views produced.</summary>
    public int OutputSize { get; }

    /// <summary>
    /// One normalised view of <paramref name="images"/>: float32 [B,3,H,W] in [0,1] on any device (H, W may differ
    /// from the output size) → [B,3,OutputSize,OutputSize] on the same device.
    /// </summary>
    /// <param name="images">The batch.</param>
    /// <param name="generator">A CPU generator; all random draws come from it.</param>
    /// <param name="content">Per image, where its picture lies (crops are taken inside it); null: the whole image.</param>
    public torch.Tensor Apply(torch.Tensor images, torch.Generator generator, IReadOnlyList<CropBox>? content = null)
    {
        using var scope = torch.NewDisposeScope();
        var view = ApplyUnnormalized(images, generator, content);
        return Normalize.ImageNet(view).MoveToOuterDisposeScope();
    }

    /// <summary>The view before normalisation (values in [0,1]); <see cref="Apply"/> normalises this.</summary>
    internal torch.Tensor ApplyUnnormalized(torch.Tensor images, torch.Generator generator, IReadOnlyList<CropBox>? content = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(generator);
        if (images.dtype != torch.ScalarType.Float32 || images.dim() != 4 || images.shape[0] < 1 || images.shape[1] != 3)
        {
            throw new ArgumentException(
                $"Expected float32 [B,3,H,W] images with B >= 1; got {images.dtype} [{string.Join(",", images.shape)}].", nameof(images));
        }

        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        int count = (int)images.shape[0];
        if (content is not null && content.Count != count)
            throw new ArgumentException($"Expected {count} content boxes, got {content.Count}.", nameof(content));
        var boxes = content is null
            ? RandomResizedCrop.SampleBoxes(count, (int)images.shape[2], (int)images.shape[3], _options, generator)
            : RandomResizedCrop.SampleBoxes(content, _options, generator);
        var flips = HorizontalFlip.Sample(count, _options.FlipProbability, generator);
        var view = RandomResizedCrop.Resample(images, boxes, flips, OutputSize);
        view = ColorJitter.Apply(view, _options, generator);
        view = Grayscale.Apply(view, _options.GrayscaleProbability, generator);
        view = GaussianBlur.Apply(view, _options, generator);
        view = Solarize.Apply(view, _options.SolarizeProbability, _options.SolarizeThreshold, generator);
        return view.MoveToOuterDisposeScope();
    }
}
