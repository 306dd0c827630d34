namespace Microsoft.ML.Byol.Tests.Support;

/// <summary>A nearest-centroid classifier on standardised, L2-normalised features: a cheap linear probe.</summary>
internal static class NearestCentroid
{
    /// <summary>Fits on the train split and returns accuracy on the test split.</summary>
    public static double Accuracy(float[][] train, int[] trainLabels, float[][] test, int[] testLabels, int classes)
    {
        int d = train[0].Length;
        var mean = new double[d];
        var std = new double[d];
        foreach (var row in train)
            for (int j = 0; j < d; j++)
                mean[j] += row[j] / train.Length;
        foreach (var row in train)
            for (int j = 0; j < d; j++)
                std[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / train.Length;
        for (int j = 0; j < d; j++)
            std[j] = Math.Sqrt(std[j]) + 1e-6;

        double[] Prepare(float[] row)
        {
            var v = new double[d];
            for (int j = 0; j < d; j++)
                v[j] = (row[j] - mean[j]) / std[j];
            double norm = Math.Sqrt(v.Sum(x => x * x)) + 1e-12;
            return v.Select(x => x / norm).ToArray();
        }

        var centroids = new double[classes][];
        for (int c = 0; c < classes; c++)
            centroids[c] = new double[d];
        for (int i = 0; i < train.Length; i++)
        {
            var v = Prepare(train[i]);
            for (int j = 0; j < d; j++)
                centroids[trainLabels[i]][j] += v[j];
        }
        int correct = 0;
        for (int i = 0; i < test.Length; i++)
        {
            var v = Prepare(test[i]);
            int best = Enumerable.Range(0, classes).MaxBy(c => centroids[c].Zip(v, (a, b) => a * b).Sum() / (Math.Sqrt(centroids[c].Sum(x => x * x)) + 1e-12));
            if (best == testLabels[i])
                correct++;
        }
        return (double)correct / test.Length;
    }
}
