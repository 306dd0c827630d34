using Microsoft.ML.Byol.Augment;
using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Networks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// Re-estimates the BatchNorm statistics of a trained encoder on the images it will embed, at the side it will embed
/// them, before export: the running means and variances are replaced by their average over un-augmented centre views
/// of training images (a cumulative average over batches, as PyTorch's momentum = None); weights and BatchNorm affine
/// terms do not change.
/// <para>
/// Why: a fine-tuning run keeps the encoder's BatchNorm frozen at its ImageNet statistics, which do not describe the
/// target images (Li et al. 2016, "Revisiting Batch Normalization for Practical Domain Adaptation": AdaBN); and the
/// exported encoder scores whole pictures at <see cref="RunConfiguration.EmbeddingSide"/>, larger than the training
/// crops, where activation statistics differ from the training views' (Touvron et al. 2019, "Fixing the train-test
/// resolution discrepancy", who re-fit BatchNorm at the test size).
/// </para>
/// </summary>
internal static class BatchNormRecalibration
{
    /// <summary>Most images the statistics are averaged over (a seeded random subset of larger caches).</summary>
    public const int MaxImages = 4096;

    /// <summary>
    /// Re-estimates every BatchNorm2d of <paramref name="encoder"/> on up to <see cref="MaxImages"/> images of
    /// <paramref name="store"/> at <paramref name="imageSize"/>, in batches of <paramref name="batchSize"/>; leaves the
    /// encoder in eval mode. Returns the number of images used.
    /// </summary>
    public static int Run(ResNet encoder, ImageStore store, Device device, int imageSize, int batchSize, int seed)
    {
        var norms = encoder.modules().OfType<BatchNorm2d>().ToArray();
        if (norms.Length == 0 || store.Count == 0)
            return 0;
        var momenta = norms.Select(n => n.momentum).ToArray();
        var indices = Subset(store.Count, seed);
        try
        {
            encoder.eval();
            foreach (var norm in norms)
            {
                norm.reset_running_stats();
                norm.train();
            }
            using var noGrad = no_grad();
            int batches = 0;
            for (int start = 0; start < indices.Length; start += batchSize, batches++)
            {
                var batch = indices.AsSpan(start, Math.Min(batchSize, indices.Length - start));
                if (batch.Length < 2 && batches > 0)
                    break;   // a one-image batch has no variance to average
                foreach (var norm in norms)
                    norm.momentum = 1.0 / (batches + 1);   // running = mean of the batch statistics so far
                using var scope = NewDisposeScope();
                encoder.call(store.CenterViews(batch, device, imageSize));
            }
        }
        finally
        {
            for (int i = 0; i < norms.Length; i++)
                norms[i].momentum = momenta[i];
            encoder.eval();
        }
        return indices.Length;
    }

    /// <summary>All images in order when they are few; else a seeded random <see cref="MaxImages"/>.</summary>
    private static long[] Subset(int count, int seed)
    {
        var all = Enumerable.Range(0, count).Select(i => (long)i).ToArray();
        if (count <= MaxImages)
            return all;
        new Random(seed).Shuffle(all);
        return all[..MaxImages];
    }
}
