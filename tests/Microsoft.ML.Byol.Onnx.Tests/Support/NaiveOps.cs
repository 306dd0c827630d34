namespace Microsoft.ML.Byol.Onnx.Tests.Support;

/// <summary>Straightforward loop implementations of the operators, in double, as the ground truth for ONNX Runtime.</summary>
internal static class NaiveOps
{
    /// <summary>Convolution; weight [O, I, K, K] row-major; bias optional.</summary>
    public static Tensor4 Conv(Tensor4 x, float[] weight, float[]? bias, int outChannels, int kernel, int stride, int pad)
    {
        int oh = ((x.H + (2 * pad) - kernel) / stride) + 1;
        int ow = ((x.W + (2 * pad) - kernel) / stride) + 1;
        var y = new Tensor4(x.N, outChannels, oh, ow);
        for (int n = 0; n < x.N; n++)
            for (int o = 0; o < outChannels; o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double sum = bias?[o] ?? 0.0;
                        for (int c = 0; c < x.C; c++)
                            for (int ki = 0; ki < kernel; ki++)
                            {
                                int h = (i * stride) - pad + ki;
                                if (h < 0 || h >= x.H)
                                {
                                    continue;
                                }

                                for (int kj = 0; kj < kernel; kj++)
                                {
                                    int w = (j * stride) - pad + kj;
                                    if (w < 0 || w >= x.W)
                                    {
                                        continue;
                                    }

                                    sum += (double)x[n, c, h, w] * weight[(((o * x.C) + c) * kernel + ki) * kernel + kj];
                                }
                            }

                        y[n, o, i, j] = (float)sum;
                    }

        return y;
    }

    public static Tensor4 BatchNorm(Tensor4 x, float[] gamma, float[] beta, float[] mean, float[] variance, double eps) =>
        Map(x, (c, v) => (float)(gamma[c] * ((v - (double)mean[c]) / Math.Sqrt(variance[c] + eps)) + beta[c]));

    public static Tensor4 Relu(Tensor4 x) => Map(x, (_, v) => Math.Max(0f, v));

    public static Tensor4 Normalise(Tensor4 x, float[] mean, float[] std) => Map(x, (c, v) => (float)((v - (double)mean[c]) / std[c]));

    public static Tensor4 Add(Tensor4 a, Tensor4 b)
    {
        var y = new Tensor4(a.N, a.C, a.H, a.W);
        for (int i = 0; i < y.Data.Length; i++)
        {
            y.Data[i] = a.Data[i] + b.Data[i];
        }

        return y;
    }

    public static Tensor4 MaxPool(Tensor4 x, int kernel, int stride, int pad)
    {
        int oh = ((x.H + (2 * pad) - kernel) / stride) + 1;
        int ow = ((x.W + (2 * pad) - kernel) / stride) + 1;
        var y = new Tensor4(x.N, x.C, oh, ow);
        for (int n = 0; n < x.N; n++)
            for (int c = 0; c < x.C; c++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        float best = float.NegativeInfinity;
                        for (int ki = 0; ki < kernel; ki++)
                            for (int kj = 0; kj < kernel; kj++)
                            {
                                int h = (i * stride) - pad + ki, w = (j * stride) - pad + kj;
                                if (h >= 0 && h < x.H && w >= 0 && w < x.W)
                                {
                                    best = Math.Max(best, x[n, c, h, w]);
                                }
                            }

                        y[n, c, i, j] = best;
                    }

        return y;
    }

    /// <summary>Global average pool then flatten: [N, C].</summary>
    public static float[,] GlobalAveragePool(Tensor4 x)
    {
        var y = new float[x.N, x.C];
        for (int n = 0; n < x.N; n++)
            for (int c = 0; c < x.C; c++)
            {
                double sum = 0;
                for (int h = 0; h < x.H; h++)
                    for (int w = 0; w < x.W; w++)
                    {
                        sum += x[n, c, h, w];
                    }

                y[n, c] = (float)(sum / (x.H * x.W));
            }

        return y;
    }

    private static Tensor4 Map(Tensor4 x, Func<int, float, float> f)
    {
        var y = new Tensor4(x.N, x.C, x.H, x.W);
        for (int n = 0; n < x.N; n++)
            for (int c = 0; c < x.C; c++)
                for (int h = 0; h < x.H; h++)
                    for (int w = 0; w < x.W; w++)
                    {
                        y[n, c, h, w] = f(c, x[n, c, h, w]);
                    }

        return y;
    }
}
