using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.ML.Byol;
using static Microsoft.ML.Byol.Cli.OptionRules;

namespace EmbedBench;

/// <summary>The settings of one EmbedBench run (the options of <see cref="EmbedBenchCommand"/>).</summary>
internal sealed record EmbedBenchSettings(IReadOnlyList<ByolArchitecture> Architectures, int Images, int Reps, int Batch, int Size);

/// <summary>The command line (System.CommandLine): options → <see cref="EmbedBenchSettings"/> → the benchmark.</summary>
internal static class EmbedBenchCommand
{
    public static RootCommand Create(Func<EmbedBenchSettings, int> run)
    {
        var archs = new Option<string>("--archs")
        {
            Description = $"encoders, comma-separated ({string.Join(", ", Enum.GetNames<ByolArchitecture>())}; any case), random weights",
            DefaultValueFactory = _ => "ResNet18,ResNet50",
        };
        archs.Validators.Add(r =>
        {
            if (Architectures(r.GetValueOrDefault<string>() ?? "", out var error) is null)
                r.AddError(error!);
        });
        var images = Positive(new Option<int>("--images") { Description = "images per path and repetition", DefaultValueFactory = _ => 64 });
        var reps = Positive(new Option<int>("--reps") { Description = "repetitions (the paths alternate in order)", DefaultValueFactory = _ => 2 });
        var batch = Positive(new Option<int>("--batch") { Description = "batch size of the batched paths", DefaultValueFactory = _ => 32 });
        var size = Positive(new Option<int>("--size") { Description = "image size in pixels", DefaultValueFactory = _ => 224 });

        var root = new RootCommand("Images per second of the embedding paths on random-weight ResNet encoders, and the float32 matmul peak, in one run.")
        {
            archs, images, reps, batch, size,
        };
        root.SetAction(parse => run(new EmbedBenchSettings(
            Architectures(parse.GetValue(archs)!, out _)!, parse.GetValue(images), parse.GetValue(reps), parse.GetValue(batch), parse.GetValue(size))));
        return root;
    }

    /// <summary>The architectures named in <paramref name="names"/> (comma-separated, any case), or null and an error.</summary>
    private static List<ByolArchitecture>? Architectures(string names, out string? error)
    {
        var list = new List<ByolArchitecture>();
        foreach (var name in names.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Enum.TryParse<ByolArchitecture>(name, ignoreCase: true, out var architecture) || !Enum.IsDefined(architecture))
            {
                error = $"Unknown architecture '{name}'; known: {string.Join(", ", Enum.GetNames<ByolArchitecture>())}.";
                return null;
            }

            list.Add(architecture);
        }

        error = list.Count == 0 ? "--archs names no architecture." : null;
        return list.Count == 0 ? null : list;
    }
}
