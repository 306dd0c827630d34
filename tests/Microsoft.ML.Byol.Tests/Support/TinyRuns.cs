using Microsoft.ML.Byol.Data;
using Microsoft.ML.Byol.Networks;
using TorchSharp;

namespace Microsoft.ML.Byol.Tests.Support;

/// <summary>Small, fast BYOL settings and data for CPU tests.</summary>
internal static class TinyRuns
{
    /// <summary>ResNet-18 at width 1/8 with small heads, 16 px, batch 16, no blur (small-image views), on 2 CPU
    /// threads: set, because the default follows the machine's load when a run starts, and tests compare runs with
    /// each other bit for bit.</summary>
    public static ByolOptions Options(int imageSize = 16, int batchSize = 16, int epochs = 1) => new()
    {
        Architecture = ByolArchitecture.ResNet18,
        WidthMultiplier = 0.125f,
        ImageSize = imageSize,
        ProjectorHiddenSize = 64,
        ProjectionSize = 32,
        PredictorHiddenSize = 64,
        BatchSize = batchSize,
        Epochs = epochs,
        WarmupEpochs = 0,
        BaseLearningRate = 1.0,
        WeightDecay = 1.5e-6,
        TrustCoefficient = 1e-3,
        TauBase = 0.99,
        View1 = ByolViewOptions.SmallImageView1(),
        View2 = ByolViewOptions.SmallImageView2(),
        Device = "cpu",
        NumberOfThreads = 2,
        Seed = 7,
    };

    /// <summary>A store of synthetic shapes.</summary>
    public static InMemoryImageStore Shapes(int count, int size, int seed = 1)
    {
        var (pixels, _) = SyntheticShapes.Generate(count, size, seed);
        return InMemoryImageStore.FromBytes(pixels, count, 3, size, size);
    }

    /// <summary>Embeddings of planar RGB bytes through an encoder in eval mode, with the scoring preprocessing.</summary>
    public static float[][] Embed(ResNet encoder, byte[] pixels, int count, int size)
    {
        encoder.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var images = torch.tensor(pixels, new long[] { count, 3, size, size }).to_type(torch.ScalarType.Float32).div_(255f);
        var mean = torch.tensor(new[] { 0.485f, 0.456f, 0.406f }).view(1, 3, 1, 1);
        var std = torch.tensor(new[] { 0.229f, 0.224f, 0.225f }).view(1, 3, 1, 1);
        var y = encoder.call((images - mean) / std);
        var flat = y.data<float>().ToArray();
        int d = (int)y.shape[1];
        return Enumerable.Range(0, count).Select(i => flat.AsSpan(i * d, d).ToArray()).ToArray();
    }

    /// <summary>Flattened copy of a module's state (for equality checks).</summary>
    public static Dictionary<string, float[]> Snapshot(torch.nn.Module module)
        => module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to_type(torch.ScalarType.Float32).data<float>().ToArray());
}
