namespace FashionMnistQuality;

/// <summary>The encoders one run can measure (<c>--only a,b,c,d,raw</c>).</summary>
internal enum BenchmarkPart
{
    /// <summary>(a) ML.NET's DnnFeaturizeImage ResNet-18 (ImageNet) at 224 px, through a batched ONNX Runtime path.</summary>
    ImageNetFeatures,

    /// <summary>(b) the imported ImageNet ResNet-18 at the training size, no BYOL step.</summary>
    ImageNetNoByol,

    /// <summary>(c) BYOL from the ImageNet weights within the time budget.</summary>
    ByolFromImageNet,

    /// <summary>(d) BYOL from random initialisation within the time budget.</summary>
    Byol,

    /// <summary>Raw pixels (784 values).</summary>
    RawPixels,
}

internal static class BenchmarkParts
{
    public static readonly IReadOnlyList<(string Key, BenchmarkPart Part)> Keys = new[]
    {
        ("a", BenchmarkPart.ImageNetFeatures), ("b", BenchmarkPart.ImageNetNoByol), ("c", BenchmarkPart.ByolFromImageNet),
        ("d", BenchmarkPart.Byol), ("raw", BenchmarkPart.RawPixels),
    };

    /// <summary>Parses "a,b,raw"; null with a message on an unknown key.</summary>
    public static IReadOnlySet<BenchmarkPart>? Parse(string text, out string? error)
    {
        var parts = new HashSet<BenchmarkPart>();
        foreach (var key in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = Keys.Where(k => string.Equals(k.Key, key, StringComparison.OrdinalIgnoreCase)).ToList();
            if (match.Count == 0)
            {
                error = $"Unknown part '{key}'; the parts are {string.Join(", ", Keys.Select(k => k.Key))}.";
                return null;
            }
            parts.Add(match[0].Part);
        }
        error = parts.Count == 0 ? "--only needs at least one part." : null;
        return parts.Count == 0 ? null : parts;
    }
}
