using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FashionMnistQuality;

/// <summary>
/// The two ONNX models behind ML.NET's <c>DnnFeaturizeImage(ResNet18)</c>, run on ONNX Runtime in batches: both are
/// rewritten with a symbolic batch dimension (<see cref="SymbolicBatch"/>), the preprocessing model's output is fed to
/// the network, and the [N, 512, 1, 1] output is read as N vectors of 512. Input: what DnnFeaturizeImage takes,
/// planar R, G, B floats 0–255 at 224 px.
/// </summary>
internal sealed class BatchedDnnFeaturizer : IDisposable
{
    private readonly InferenceSession _preprocess;
    private readonly InferenceSession _network;
    private readonly string _preprocessInput, _networkInput;

    public BatchedDnnFeaturizer(int? threads = null)
    {
        DnnImageModels.EnsurePresent();
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        options.IntraOpNumThreads = threads ?? Environment.ProcessorCount;
        // Threads that sleep between runs instead of spinning: on cores shared with other jobs, spinning costs much of the throughput.
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        _preprocess = new InferenceSession(SymbolicBatch.Rewrite(File.ReadAllBytes(DnnImageModels.Preprocess)), options);
        _network = new InferenceSession(SymbolicBatch.Rewrite(File.ReadAllBytes(DnnImageModels.ResNet18)), options);
        _preprocessInput = _preprocess.InputMetadata.Keys.Single();
        _networkInput = _network.InputMetadata.Keys.Single();
    }

    /// <summary>Features of <paramref name="count"/> images held as [count, 3, 224, 224] floats at the start of <paramref name="pixels"/>.</summary>
    public float[][] Featurize(float[] pixels, int count)
    {
        const int size = DnnImageModels.ImageSize;
        var input = new DenseTensor<float>(pixels.AsMemory(0, count * 3 * size * size), new[] { count, 3, size, size });
        using var prepared = _preprocess.Run(new[] { NamedOnnxValue.CreateFromTensor(_preprocessInput, input) });
        var middle = prepared.Single().AsTensor<float>();
        using var output = _network.Run(new[] { NamedOnnxValue.CreateFromTensor(_networkInput, middle) });
        var features = output.Single().AsEnumerable<float>().ToArray();
        int dim = features.Length / count;
        return Enumerable.Range(0, count).Select(i => features.AsSpan(i * dim, dim).ToArray()).ToArray();
    }

    public void Dispose()
    {
        _preprocess.Dispose();
        _network.Dispose();
    }
}
