namespace Microsoft.ML.Byol.Tests.Support;

/// <summary>
/// A linear probe in closed form: one-vs-rest ridge regression on standardised features,
/// W = (XᵀX + λI)⁻¹ XᵀY, predicted class = argmax of XW.
/// </summary>
internal static class RidgeProbe
{
    public static double Accuracy(float[][] train, int[] trainLabels, float[][] test, int[] testLabels, int classes, double lambda = 1.0)
    {
        int d = train[0].Length + 1; // + bias
        var (mean, std) = Standardiser(train);
        double[] Row(float[] x)
        {
            var r = new double[d];
            for (int j = 0; j < d - 1; j++)
                r[j] = (x[j] - mean[j]) / std[j];
            r[d - 1] = 1;
            return r;
        }

        var a = new double[d, d];
        var b = new double[d, classes];
        for (int i = 0; i < train.Length; i++)
        {
            var r = Row(train[i]);
            for (int p = 0; p < d; p++)
            {
                for (int q = 0; q < d; q++)
                    a[p, q] += r[p] * r[q];
                b[p, trainLabels[i]] += r[p];
            }
        }
        for (int p = 0; p < d - 1; p++)
            a[p, p] += lambda;
        var w = Solve(a, b);

        int correct = 0;
        for (int i = 0; i < test.Length; i++)
        {
            var r = Row(test[i]);
            int best = 0;
            double bestScore = double.NegativeInfinity;
            for (int c = 0; c < classes; c++)
            {
                double s = 0;
                for (int p = 0; p < d; p++)
                    s += r[p] * w[p, c];
                if (s > bestScore)
                    (best, bestScore) = (c, s);
            }
            if (best == testLabels[i])
                correct++;
        }
        return (double)correct / test.Length;
    }

    private static (double[] Mean, double[] Std) Standardiser(float[][] rows)
    {
        int d = rows[0].Length;
        var mean = new double[d];
        var std = new double[d];
        foreach (var row in rows)
            for (int j = 0; j < d; j++)
                mean[j] += row[j] / rows.Length;
        foreach (var row in rows)
            for (int j = 0; j < d; j++)
                std[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / rows.Length;
        for (int j = 0; j < d; j++)
            std[j] = Math.Sqrt(std[j]) + 1e-6;
        return (mean, std);
    }

    /// <summary>Solves A·X = B by Gaussian elimination with partial pivoting (A is symmetric positive definite here).</summary>
    private static double[,] Solve(double[,] a, double[,] b)
    {
        int n = a.GetLength(0), m = b.GetLength(1);
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col]))
                    pivot = r;
            if (pivot != col)
            {
                for (int k = 0; k < n; k++)
                    (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
                for (int k = 0; k < m; k++)
                    (b[col, k], b[pivot, k]) = (b[pivot, k], b[col, k]);
            }
            for (int r = col + 1; r < n; r++)
            {
                double f = a[r, col] / a[col, col];
                if (f == 0)
                    continue;
                for (int k = col; k < n; k++)
                    a[r, k] -= f * a[col, k];
                for (int k = 0; k < m; k++)
                    b[r, k] -= f * b[col, k];
            }
        }
        var x = new double[n, m];
        for (int k = 0; k < m; k++)
        {
            for (int r = n - 1; r >= 0; r--)
            {
                double s = b[r, k];
                for (int c = r + 1; c < n; c++)
                    s -= a[r, c] * x[c, k];
                x[r, k] = s / a[r, r];
            }
        }
        return x;
    }
}
