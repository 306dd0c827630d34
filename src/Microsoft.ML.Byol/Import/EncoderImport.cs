using Google.Protobuf;
using Microsoft.ML.Byol.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Import;

/// <summary>
/// Reads pretrained ResNet encoders into this library's layout and copies them into a TorchSharp <see cref="ResNet"/>.
/// Formats, told apart by content: ONNX (this library's encoders, folded or not; ML.NET's DnnImageFeaturizer
/// ResNet18 and other ResNet v1 graphs, walked by topology), PyTorch state_dicts of torchvision ResNets (.pt/.pth)
/// and .safetensors (through TorchSharp.PyBridge). See docs/pretrained-weights.md.
/// </summary>
internal static class EncoderImport
{
    /// <summary>Reads the encoder in <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Unknown format, truncated or not a ResNet this library can hold; the message names the file.</exception>
    public static ImportedEncoder Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var kind = WeightFileFormat.Detect(path);
        try
        {
            switch (kind)
            {
                case WeightFileKind.Onnx:
                    {
                        using var stream = File.OpenRead(path);
                        return OnnxEncoderReader.Read(ParseOnnx(stream, path), path, path);
                    }

                case WeightFileKind.PyTorchZip:
                    return FromStateDict(TorchWeightFiles.ReadPyTorch(path), TorchWeightFiles.PyTorchFormat, path);
                default:
                    return FromStateDict(TorchWeightFiles.ReadSafetensors(path), TorchWeightFiles.SafetensorsFormat, path);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException && !e.Message.Contains(path, StringComparison.Ordinal))
        {
            // Format libraries (zip, pickle, JSON, protobuf) do not name the file; say which one and what it was taken for.
            throw new InvalidDataException($"'{path}' could not be read as {Describe(kind)} (truncated or corrupt?): {e.Message}", e);
        }
    }

    /// <summary>Reads an encoder from ONNX bytes (e.g. <see cref="ByolTransformer.ExportOnnx(Stream)"/>).</summary>
    public static ImportedEncoder ReadOnnx(byte[] onnx, string source)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        using var stream = new MemoryStream(onnx, writable: false);
        return OnnxEncoderReader.Read(ParseOnnx(stream, source), source, path: null);
    }

    /// <summary>
    /// Copies the imported weights into <paramref name="encoder"/> (any device), after checking that every tensor of
    /// the encoder is in the file with the same shape and that the file has no other tensors.
    /// </summary>
    /// <exception cref="ArgumentException">The file's network differs from the encoder's; the message lists the differences.</exception>
    public static void CopyInto(ImportedEncoder source, ResNet encoder)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(encoder);
        var targets = encoder.state_dict()
            .Where(kv => kv.Value.is_floating_point()) // num_batches_tracked is a counter, not part of the function
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);

        var problems = new List<string>();
        foreach (var (name, target) in targets)
        {
            if (!source.Weights.TryGetValue(name, out var weight))
                problems.Add($"'{name}' is missing from the file");
            else if (!weight.Shape.SequenceEqual(target.shape) || weight.Data.Length != target.numel())
                problems.Add($"'{name}' is [{string.Join(", ", weight.Shape)}] in the file, [{string.Join(", ", target.shape)}] in the encoder");
        }

        problems.AddRange(source.Weights.Keys.Where(n => !targets.ContainsKey(n)).Select(n => $"'{n}' is in the file but not in the encoder"));
        if (problems.Count > 0)
        {
            string layouts = source.Layout == encoder.Layout ? "" : $"The file holds {source.Layout}; the encoder is {encoder.Layout}. ";
            throw new ArgumentException(
                $"The weights ({source.Description}) do not fit the encoder. {layouts}{problems.Count} difference(s): " +
                string.Join("; ", problems.Take(12)) + (problems.Count > 12 ? "; ..." : "") + ".",
                nameof(source));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (name, target) in targets)
        {
            var (data, shape) = source.Weights[name];
            target.copy_(tensor(data, shape));
        }
    }

    private static string Describe(WeightFileKind kind) => kind switch
    {
        WeightFileKind.Onnx => "an ONNX model",
        WeightFileKind.PyTorchZip => "a PyTorch state_dict (torch.save zip archive)",
        _ => "a safetensors file",
    };

    private static ImportedEncoder FromStateDict(Dictionary<string, (float[] Data, long[] Shape)> weights, string format, string path)
    {
        var layout = StateDictLayout.Infer(weights, path);
        string description = $"{layout.Architecture} [{layout.BlocksText}] ×{layout.WidthMultiplier.ToString(System.Globalization.CultureInfo.InvariantCulture)} " +
            $"({(layout.SmallImageStem ? "small-image stem, no max-pool" : "standard stem")}) from {format} state_dict '{path}' " +
            "(torchvision layout; input RGB [0, 1] with ImageNet mean/std, as torchvision's)";
        return new ImportedEncoder(layout, weights, format, description);
    }

    private static Onnx.ModelProto ParseOnnx(Stream stream, string source)
    {
        try
        {
            return Onnx.ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"'{source}' is not a valid ONNX model (truncated or corrupt?): {e.Message}", e);
        }
    }
}
