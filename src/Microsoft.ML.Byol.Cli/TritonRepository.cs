using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Microsoft.ML.Byol.Cli;

/// <summary>
/// Writes an encoder as a Triton Inference Server model repository: <c>DIR/NAME/1/model.onnx</c> and
/// <c>DIR/NAME/config.pbtxt</c> (ONNX Runtime backend, dynamic batching), with the input and output names and dims
/// from <see cref="ByolEncoderInfo"/> and the data types from the ONNX graph (FP32 today; FP16 or INT8 variants keep
/// their own input and output types).
/// </summary>
internal static partial class TritonRepository
{
    public const string DefaultModelName = "byol_encoder";
    public const int DefaultMaxBatchSize = 64;

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex ModelName();

    /// <summary>Writes the repository entry; returns the path of config.pbtxt.</summary>
    /// <exception cref="CliException">A bad name or batch size, or an encoder whose graph disagrees with its metadata.</exception>
    public static string Write(string onnxPath, string repository, string modelName = DefaultModelName, int maxBatchSize = DefaultMaxBatchSize)
    {
        if (!ModelName().IsMatch(modelName))
            throw new CliException($"'{modelName}' is not a Triton model name (letters, digits, _ . -).");
        if (maxBatchSize < 1)
            throw new CliException("--max-batch-size must be positive.");
        var info = EncoderFile.Info(onnxPath);
        var graph = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnxPath)).Graph;
        var input = graph.Input.SingleOrDefault(i => i.Name == info.OnnxInputName)
            ?? throw new CliException($"The encoder '{onnxPath}' has no graph input '{info.OnnxInputName}' (its metadata names it).");
        var output = graph.Output.SingleOrDefault(o => o.Name == info.OnnxOutputName)
            ?? throw new CliException($"The encoder '{onnxPath}' has no graph output '{info.OnnxOutputName}' (its metadata names it).");
        long[] inputDims = { 3, info.ImageSize, info.ImageSize }, outputDims = { info.EmbeddingSize };
        CheckDims(onnxPath, input, inputDims);
        CheckDims(onnxPath, output, outputDims);

        string config = Config(info, modelName, maxBatchSize, DataType(input), DataType(output), inputDims, outputDims);
        string folder = Path.Combine(repository, modelName);
        Directory.CreateDirectory(Path.Combine(folder, "1"));
        File.Copy(onnxPath, Path.Combine(folder, "1", "model.onnx"), overwrite: true);
        string configPath = Path.Combine(folder, "config.pbtxt");
        File.WriteAllText(configPath, config, new UTF8Encoding(false));
        return configPath;
    }

    /// <summary>The text of config.pbtxt (protobuf text format of Triton's ModelConfig).</summary>
    internal static string Config(ByolEncoderInfo info, string modelName, int maxBatchSize, string inputType, string outputType, long[] inputDims, long[] outputDims)
    {
        static string Dims(long[] dims) => string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture)));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Written by byol export --triton: {info}.\n");
        text.Append(CultureInfo.InvariantCulture, $"# Input: {info.PixelFormat}; the normalisation (mean, std) is inside the graph.\n");
        text.Append(CultureInfo.InvariantCulture, $"name: \"{modelName}\"\n");
        text.Append("platform: \"onnxruntime_onnx\"\n");
        text.Append(CultureInfo.InvariantCulture, $"max_batch_size: {maxBatchSize}\n");
        text.Append("input [\n  {\n");
        text.Append(CultureInfo.InvariantCulture, $"    name: \"{info.OnnxInputName}\"\n    data_type: {inputType}\n    format: FORMAT_NCHW\n    dims: [ {Dims(inputDims)} ]\n");
        text.Append("  }\n]\n");
        text.Append("output [\n  {\n");
        text.Append(CultureInfo.InvariantCulture, $"    name: \"{info.OnnxOutputName}\"\n    data_type: {outputType}\n    dims: [ {Dims(outputDims)} ]\n");
        text.Append("  }\n]\n");
        text.Append("dynamic_batching {\n  max_queue_delay_microseconds: 100\n}\n");
        return text.ToString();
    }

    /// <summary>Triton's name of an ONNX tensor element type.</summary>
    internal static string TritonType(int onnxElementType) => onnxElementType switch
    {
        1 => "TYPE_FP32",
        2 => "TYPE_UINT8",
        3 => "TYPE_INT8",
        10 => "TYPE_FP16",
        11 => "TYPE_FP64",
        16 => "TYPE_BF16",
        _ => throw new CliException($"ONNX element type {onnxElementType} has no Triton data type here."),
    };

    private static string DataType(global::Onnx.ValueInfoProto value) => TritonType(value.Type.TensorType.ElemType);

    private static void CheckDims(string onnxPath, global::Onnx.ValueInfoProto value, long[] expected)
    {
        var dims = value.Type.TensorType.Shape.Dim;
        bool agree = dims.Count == expected.Length + 1
            && dims.Skip(1).Select(d => d.DimValue).SequenceEqual(expected);
        if (!agree)
        {
            string actual = string.Join(", ", dims.Select(d => d.DimParam is { Length: > 0 } p ? p : d.DimValue.ToString(CultureInfo.InvariantCulture)));
            throw new CliException($"The encoder '{onnxPath}': '{value.Name}' has dims [{actual}], its metadata says [N, {string.Join(", ", expected)}].");
        }
    }
}
