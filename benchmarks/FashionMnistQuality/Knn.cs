using System.Numerics.Tensors;

namespace FashionMnistQuality;

/// <summary>
/// k-nearest-neighbour accuracy on L2-normalised features by cosine similarity, with the vote of each of the k
/// neighbours weighted by exp(similarity / T) (T = 0.1), the monitor commonly used for self-supervised features.
/// </summary>
internal static class Knn
{
    public const int DefaultK = 200;
    public const float Temperature = 0.1f;

    public static double Accuracy(float[][] train, int[] trainLabels, float[][] test, int[] testLabels, int classes, int k = DefaultK)
    {
        var trainUnit = train.Select(Unit).ToArray();
        int neighbours = Math.Min(k, trainUnit.Length);
        int correct = 0;
        Parallel.For(0, test.Length, () => new Scratch(trainUnit.Length, neighbours, classes), (i, _, scratch) =>
        {
            var query = Unit(test[i]);
            for (int j = 0; j < trainUnit.Length; j++)
                scratch.Similarities[j] = TensorPrimitives.Dot(query, trainUnit[j]);
            int predicted = Vote(scratch, trainLabels, neighbours);
            if (predicted == testLabels[i])
                scratch.Correct++;
            return scratch;
        }, scratch => Interlocked.Add(ref correct, scratch.Correct));
        return (double)correct / test.Length;
    }

    private static int Vote(Scratch scratch, int[] labels, int k)
    {
        // The k largest similarities: a min-heap of size k over all training rows.
        var heap = scratch.Heap;
        heap.Clear();
        var s = scratch.Similarities;
        for (int j = 0; j < s.Length; j++)
        {
            if (heap.Count < k)
                heap.Enqueue(j, s[j]);
            else if (s[j] > s[heap.Peek()])
                heap.EnqueueDequeue(j, s[j]);
        }
        Array.Clear(scratch.Votes);
        while (heap.TryDequeue(out int j, out float similarity))
            scratch.Votes[labels[j]] += Math.Exp(similarity / Temperature);
        int best = 0;
        for (int c = 1; c < scratch.Votes.Length; c++)
        {
            if (scratch.Votes[c] > scratch.Votes[best])
                best = c;
        }
        return best;
    }

    private static float[] Unit(float[] v)
    {
        float norm = TensorPrimitives.Norm(v);
        var u = new float[v.Length];
        TensorPrimitives.Divide(v, Math.Max(norm, 1e-12f), u);
        return u;
    }

    private sealed class Scratch(int trainCount, int k, int classes)
    {
        public float[] Similarities { get; } = new float[trainCount];
        public PriorityQueue<int, float> Heap { get; } = new(k + 1);
        public double[] Votes { get; } = new double[classes];
        public int Correct { get; set; }
    }
}
