using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.ML.Byol;
using static Microsoft.ML.Byol.Cli.OptionRules;

namespace EmbedBench;

/// <summary>The settings of one EmbedBench run (the options of <see cref="EmbedBenchCommand"/>).</summary>
internal sealed record EmbedBenchSettings(
    IReadOnlyList<ByolArchitecture> Architectures, int Images, int Reps, int Batch, int Size, IReadOnlyList<string> Paths, float Width, bool SmallStem);

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
        var paths = new Option<string>("--paths")
        {
            Description = $"paths to time, comma-separated, in this order ({string.Join(", ", PathKeys)}; a, a-px, b, c, d by default)",
            DefaultValueFactory = _ => "a,a-px,b,c,d",
        };
        paths.Validators.Add(r =>
        {
            if (Paths(r.GetValueOrDefault<string>() ?? "", out var error) is null)
                r.AddError(error!);
        });
        var width = new Option<float>("--width")
        {
            Description = "width multiplier of the random-weight encoders",
            DefaultValueFactory = _ => 1f,
            CustomParser = r => float.TryParse(r.Tokens.Single().Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var w) && w > 0
                ? w
                : Fail<float>(r, $"--width must be a positive number, not '{r.Tokens.Single().Value}'."),
        };
        var smallStem = new Option<bool>("--small-stem") { Description = "the small-image stem (3×3 stride 1, no max-pool) instead of the standard one" };

        var root = new RootCommand("Images per second of the embedding paths on random-weight ResNet encoders, and the float32 matmul peak, in one run.")
        {
            archs, images, reps, batch, size, paths, width, smallStem,
        };
        root.SetAction(parse => run(new EmbedBenchSettings(
            Architectures(parse.GetValue(archs)!, out _)!, parse.GetValue(images), parse.GetValue(reps), parse.GetValue(batch), parse.GetValue(size),
            Paths(parse.GetValue(paths)!, out _)!, parse.GetValue(width), parse.GetValue(smallStem))));
        return root;
    }

    /// <summary>Every path's key (Program.cs makes them).</summary>
    public static readonly string[] PathKeys = { "a", "a-px", "b", "b-row", "zip", "c", "d" };

    /// <summary>The path keys named in <paramref name="keys"/> (comma-separated, no repeats), or null and an error.</summary>
    private static List<string>? Paths(string keys, out string? error)
    {
        var list = keys.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        var unknown = list.FirstOrDefault(k => !PathKeys.Contains(k, StringComparer.Ordinal));
        error = unknown is not null ? $"Unknown path '{unknown}'; known: {string.Join(", ", PathKeys)}."
            : list.Count == 0 ? "--paths names no path."
            : list.Distinct(StringComparer.Ordinal).Count() != list.Count ? "--paths names a path twice."
            : null;
        return error is null ? list : null;
    }

    private static T Fail<T>(ArgumentResult result, string error)
    {
        result.AddError(error);
        return default!;
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
