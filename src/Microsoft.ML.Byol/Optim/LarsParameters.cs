using TorchSharp;
using TorchSharp.Modules;

namespace Microsoft.ML.Byol.Optim;

/// <summary>Lists a module's parameters for <see cref="Lars"/>, deciding exclusion by the kind of layer that owns them.</summary>
internal static class LarsParameters
{
    /// <summary>
    /// Every trainable parameter of <paramref name="module"/> (and its descendants) under its full dotted name.
    /// Excluded from weight decay and adaptation: all parameters of norm layers (BatchNorm*, InstanceNorm*, GroupNorm,
    /// LayerNorm; whatever they are called), every parameter a layer registers as <c>bias</c>, and any other parameter
    /// with fewer than two dimensions (a per-channel scale or shift is never a weight matrix or kernel).
    /// Conv and linear weights are adapted. A parameter shared by several modules is listed once.
    /// </summary>
    internal static IReadOnlyList<LarsParameter> From(torch.nn.Module module, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(module);
        var result = new List<LarsParameter>();
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);

        Add(module, prefix, result, seen);
        foreach (var (name, child) in module.named_modules())
        {
            if (name.Length == 0 || ReferenceEquals(child, module))
            {
                continue; // the root, if the enumeration includes it, was done above
            }

            Add(child, Join(prefix, name), result, seen);
        }

        return result;
    }

    /// <summary>True for the layers whose parameters are per-channel affine terms of a normalisation.</summary>
    internal static bool IsNormLayer(torch.nn.Module module)
        => module is NormBase or GroupNorm or LayerNorm;

    private static void Add(torch.nn.Module owner, string ownerName, List<LarsParameter> result, HashSet<Parameter> seen)
    {
        bool norm = IsNormLayer(owner);
        foreach (var (localName, parameter) in owner.named_parameters(recurse: false))
        {
            if (!seen.Add(parameter))
            {
                continue;
            }

            bool excluded = norm || localName == "bias" || parameter.dim() < 2;
            result.Add(new LarsParameter(Join(ownerName, localName), parameter, excluded));
        }
    }

    private static string Join(string prefix, string name)
        => prefix.Length == 0 ? name : name.Length == 0 ? prefix : prefix + "." + name;
}
