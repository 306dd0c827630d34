using Microsoft.ML.Byol.Torch;

namespace ByolBench;

/// <summary>
/// One A/B variant of the step: a name and the environment switches of <see cref="StepKernels"/> it sets. A variant is
/// written as '+'-joined words: <c>default</c> (nothing set), <c>channels-last</c> / <c>nchw</c>
/// (<c>BYOL_CHANNELS_LAST</c> 1 / 0), <c>relu_</c> / <c>relu</c> (<c>BYOL_INPLACE_RELU</c> 1 / 0), e.g. <c>channels-last+relu_</c>.
/// </summary>
internal sealed record Variant(string Name, IReadOnlyDictionary<string, string> Environment)
{
    public const string Words = "default, channels-last, nchw, relu_, relu; joined with '+'";

    private static readonly string[] Variables = { StepKernels.ChannelsLastVariable, StepKernels.InPlaceReluVariable };

    /// <summary>The variants of a comma-separated list, or an error message.</summary>
    public static (IReadOnlyList<Variant> Variants, string? Error) ParseList(string text)
    {
        var variants = new List<Variant>();
        foreach (var name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var environment = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var word in name.Split('+', StringSplitOptions.TrimEntries))
            {
                var (variable, value) = word switch
                {
                    "default" => (null, null),
                    "channels-last" => (StepKernels.ChannelsLastVariable, "1"),
                    "nchw" => (StepKernels.ChannelsLastVariable, "0"),
                    "relu_" => (StepKernels.InPlaceReluVariable, "1"),
                    "relu" => (StepKernels.InPlaceReluVariable, "0"),
                    _ => ((string?)"", (string?)null),
                };
                if (variable == "")
                    return (variants, $"Unknown variant word '{word}' in '{name}'; known: {Words}.");
                if (variable is not null)
                    environment[variable] = value!;
            }
            variants.Add(new Variant(name, environment));
        }
        return variants.Count == 0 ? (variants, "--variants lists no variant.") : (variants, null);
    }

    /// <summary>Clears every switch (the library's defaults).</summary>
    public static void Clear()
    {
        foreach (var variable in Variables)
            System.Environment.SetEnvironmentVariable(variable, null);
    }

    /// <summary>Sets this variant's switches in this process's environment and clears the others (read when a run starts).</summary>
    public void Apply()
    {
        foreach (var variable in Variables)
            System.Environment.SetEnvironmentVariable(variable, Environment.GetValueOrDefault(variable));
    }
}
