using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Byol.Onnx.Tests.Support;

/// <summary>Runs an ONNX model with one float input and one float output in ONNX Runtime (CPU).</summary>
internal static class OrtRunner
{
    public static (float[] Data, long[] Shape) Run(byte[] model, string inputName, float[] input, long[] inputShape, bool optimise = true)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = optimise ? GraphOptimizationLevel.ORT_ENABLE_ALL : GraphOptimizationLevel.ORT_DISABLE_ALL,
            IntraOpNumThreads = 1,
        };
        using var session = new InferenceSession(model, options);
        string outputName = session.OutputMetadata.Keys.Single();
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, inputShape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, new[] { inputName }, new[] { inputValue }, new[] { outputName });
        var output = outputs[0];
        return (output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
    }
}
