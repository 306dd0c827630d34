namespace Microsoft.ML.Byol.Onnx.Tests.Support;

/// <summary>A plain NCHW float tensor for the naive reference computations.</summary>
internal sealed record Tensor4(int N, int C, int H, int W, float[] Data)
{
    public Tensor4(int n, int c, int h, int w) : this(n, c, h, w, new float[n * c * h * w]) { }

    public long[] Shape => new long[] { N, C, H, W };

    public int Index(int n, int c, int h, int w) => (((n * C) + c) * H + h) * W + w;

    public float this[int n, int c, int h, int w]
    {
        get => Data[Index(n, c, h, w)];
        set => Data[Index(n, c, h, w)] = value;
    }

    public static Tensor4 Random(Random random, int n, int c, int h, int w, float low = 0f, float high = 1f)
    {
        var t = new Tensor4(n, c, h, w);
        for (int i = 0; i < t.Data.Length; i++)
        {
            t.Data[i] = low + ((high - low) * random.NextSingle());
        }

        return t;
    }
}
