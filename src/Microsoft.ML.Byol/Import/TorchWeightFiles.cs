using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Microsoft.ML.Byol.Import;

/// <summary>
/// PyTorch state_dict files through TorchSharp.PyBridge: <c>torch.save(model.state_dict())</c> zip archives
/// (.pt/.pth) and .safetensors, read into float arrays by name and written from a TorchSharp module.
/// Classifier weights (<c>fc.*</c>) and <c>num_batches_tracked</c> counters are left out when reading.
/// </summary>
internal static class TorchWeightFiles
{
    public const string PyTorchFormat = "pytorch";
    public const string SafetensorsFormat = "safetensors";

    public static Dictionary<string, (float[] Data, long[] Shape)> ReadPyTorch(string path)
    {
        using var scope = NewDisposeScope();
        using var stream = File.OpenRead(path);
        Hashtable table = PyTorchUnpickler.UnpickleStateDict(stream, leaveOpen: true);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is string name && entry.Value is Tensor tensor)
                tensors[name] = tensor;
        }

        return ToArrays(tensors);
    }

    public static Dictionary<string, (float[] Data, long[] Shape)> ReadSafetensors(string path)
    {
        using var scope = NewDisposeScope();
        using var stream = File.OpenRead(path);
        return ToArrays(Safetensors.LoadStateDict(stream, leaveOpen: true));
    }

    /// <summary>Writes the module's state_dict as .safetensors, or else as a PyTorch zip archive.</summary>
    public static void Write(nn.Module module, string path, bool safetensors)
    {
        using var stream = File.Create(path);
        if (safetensors)
            module.save_safetensors(stream);
        else
            module.save_py(stream);
    }

    private static Dictionary<string, (float[] Data, long[] Shape)> ToArrays(IReadOnlyDictionary<string, Tensor> tensors)
    {
        var result = new Dictionary<string, (float[] Data, long[] Shape)>(StringComparer.Ordinal);
        foreach (var (key, tensor) in tensors)
        {
            string name = key.StartsWith("module.", StringComparison.Ordinal) ? key["module.".Length..] : key; // DataParallel
            if (name.StartsWith("fc.", StringComparison.Ordinal) || name.EndsWith(".num_batches_tracked", StringComparison.Ordinal)
                || name == "num_batches_tracked")
                continue;
            if (!tensor.is_floating_point())
                throw new InvalidDataException($"Tensor '{key}' has type {tensor.dtype}; weights are floating point.");
            var values = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
            result[name] = (values.data<float>().ToArray(), values.shape.ToArray());
        }

        return result;
    }
}
