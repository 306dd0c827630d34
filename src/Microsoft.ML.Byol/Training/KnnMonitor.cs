using Microsoft.ML.Byol.Augment;
using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Training;

/// <summary>
/// The kNN monitor of the spec's evaluation protocol: embeddings y of the online encoder (eval mode, the cached
/// centre view, no augmentation) of a labelled memory bank and a held-out query slice; each query's class is the
/// cosine-similarity-weighted vote (weights exp(sim / T), T = 0.1) of its k = 200 nearest bank images. The labels are
/// used here only; they never reach the BYOL loss. The centre view is <see cref="CenterView"/> of the cached image: the
/// centre square of its content, at the encoder's input size.
/// </summary>
internal sealed class KnnMonitor
{
    public const int K = 200;
    public const double Temperature = 0.1;

    private readonly ImageStore _store;
    private readonly long[] _bank;
    private readonly long[] _queries;
    private readonly long[] _bankLabels;
    private readonly long[] _queryLabels;
    private readonly int _classes;
    private readonly int _imageSize;

    private KnnMonitor(ImageStore store, long[] bank, long[] queries, long[] bankLabels, long[] queryLabels, int classes, int imageSize)
        => (_store, _bank, _queries, _bankLabels, _queryLabels, _classes, _imageSize) = (store, bank, queries, bankLabels, queryLabels, classes, imageSize);

    /// <summary>Images in the memory bank.</summary>
    public int BankSize => _bank.Length;

    /// <summary>Held-out query images.</summary>
    public int QuerySize => _queries.Length;

    /// <summary>
    /// Picks a fixed random query slice (a fifth of the labelled rows, at most <paramref name="maxQueries"/>) and a
    /// bank from the other labelled rows (at most <paramref name="maxBank"/>).
    /// </summary>
    /// <param name="store">The training cache (the monitor reads its centre views).</param>
    /// <param name="labels">Class index of every cached image (0-based), or −1 where the row has no label.</param>
    /// <param name="seed">Seed of the slice choice.</param>
    /// <param name="maxBank">Largest memory bank.</param>
    /// <param name="maxQueries">Largest query slice.</param>
    /// <param name="imageSize">The encoder's input side (null: the cache's side).</param>
    /// <exception cref="ArgumentException">Too few labelled rows, or fewer than two classes.</exception>
    public static KnnMonitor Create(ImageStore store, IReadOnlyList<int> labels, int seed, int maxBank = 3000, int maxQueries = 1000, int? imageSize = null)
    {
        if (labels.Count != store.Count)
            throw new ArgumentException($"The monitor has {labels.Count} labels for {store.Count} images.", nameof(labels));
        var labelled = Enumerable.Range(0, labels.Count).Where(i => labels[i] >= 0).ToArray();
        int classes = labelled.Select(i => labels[i]).Distinct().Count();
        if (labelled.Length < 10 || classes < 2)
            throw new ArgumentException(
                $"The kNN monitor needs at least 10 labelled images of 2 classes or more; the label column gives {labelled.Length} labelled image(s) of {classes} class(es).",
                nameof(labels));
        new Random(seed).Shuffle(labelled);
        int queries = Math.Min(maxQueries, Math.Max(1, labelled.Length / 5));
        int bank = Math.Min(maxBank, labelled.Length - queries);
        long[] Take(int skip, int count) => labelled.Skip(skip).Take(count).Select(i => (long)i).ToArray();
        var q = Take(0, queries);
        var b = Take(queries, bank);
        return new KnnMonitor(store, b, q, b.Select(i => (long)labels[(int)i]).ToArray(), q.Select(i => (long)labels[(int)i]).ToArray(),
            labels.Max() + 1, imageSize ?? store.Height);
    }

    /// <summary>kNN top-1 accuracy (0 to 1) of <paramref name="encoder"/>; leaves it in eval mode.</summary>
    public double Evaluate(ResNet encoder, Device device)
    {
        encoder.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var bank = Embed(encoder, _bank, device);
        var queries = Embed(encoder, _queries, device);
        var bankLabels = tensor(_bankLabels, device: device);
        int k = Math.Min(K, _bank.Length);
        var (similarity, nearest) = queries.matmul(bank.t()).topk(k, dim: 1);
        var weights = similarity.div(Temperature).exp_();
        var votes = zeros(_queries.Length, _classes, device: device)
            .scatter_add_(1, bankLabels.take(nearest), weights);
        var predicted = votes.argmax(1);
        var correct = predicted.eq(tensor(_queryLabels, device: device)).sum().item<long>();
        return (double)correct / _queries.Length;
    }

    /// <summary>L2-normalised embeddings of the cached images at <paramref name="indices"/>, in batches (each batch's inputs freed before the next).</summary>
    private Tensor Embed(ResNet encoder, long[] indices, Device device)
    {
        const int Batch = 256;
        var parts = new List<Tensor>();
        for (int start = 0; start < indices.Length; start += Batch)
        {
            var batch = indices.AsSpan(start, Math.Min(Batch, indices.Length - start));
            using var batchScope = NewDisposeScope();   // one batch's float views at a time, not the whole slice's
            parts.Add(encoder.call(_store.CenterViews(batch, device, _imageSize)).MoveToOuterDisposeScope());
        }
        return nn.functional.normalize(cat(parts, 0), dim: 1);
    }
}
