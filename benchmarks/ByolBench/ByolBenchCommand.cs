using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.ML.Byol;
using static Microsoft.ML.Byol.Cli.OptionRules;

namespace ByolBench;

/// <summary>The settings of one ByolBench run (the options of <see cref="ByolBenchCommand"/>).</summary>
internal sealed record ByolBenchSettings(
    ByolArchitecture Architecture, float Width, int Size, int Batch, int Steps, int Warmup, int? Threads, int Hidden, int Projection, bool Json,
    string? Photos = null, double SourceScale = 1.5, string? Variants = null, int Rounds = 3);

/// <summary>The command line (System.CommandLine): options → <see cref="ByolBenchSettings"/> → the benchmark.</summary>
internal static class ByolBenchCommand
{
    public static RootCommand Create(Func<ByolBenchSettings, int> run)
    {
        var arch = new Option<ByolArchitecture>("--arch")
        {
            Description = $"encoder architecture ({string.Join(", ", Enum.GetNames<ByolArchitecture>())}; any case)",
            DefaultValueFactory = _ => ByolArchitecture.ResNet18,
            CustomParser = r => Enum.TryParse<ByolArchitecture>(r.Tokens.Single().Value, ignoreCase: true, out var a) && Enum.IsDefined(a)
                ? a
                : Fail<ByolArchitecture>(r, $"Unknown architecture '{r.Tokens.Single().Value}'; known: {string.Join(", ", Enum.GetNames<ByolArchitecture>())}."),
        };
        var width = new Option<float>("--width")
        {
            Description = "width multiplier of the ResNet",
            DefaultValueFactory = _ => 1f,
            // Invariant culture, as TrainSpeed passes it; the positivity check is here since a validator cannot read a failed parse.
            CustomParser = r => r.Tokens.Single().Value is var text && float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var w)
                ? w > 0 ? w : Fail<float>(r, "--width must be positive.")
                : Fail<float>(r, $"Cannot parse '{text}' as a number for --width."),
        };
        var size = Positive(new Option<int>("--size") { Description = "image size in pixels", DefaultValueFactory = _ => 32 });
        var batch = Positive(new Option<int>("--batch") { Description = "batch size (pairs per step)", DefaultValueFactory = _ => 64 });
        var steps = Positive(new Option<int>("--steps") { Description = "timed steps", DefaultValueFactory = _ => 20 });
        var warmup = NonNegative(new Option<int>("--warmup") { Description = "untimed warm-up steps before the timed ones", DefaultValueFactory = _ => 3 });
        var threads = Positive(new Option<int?>("--threads") { Description = "TorchSharp CPU threads (default: the library's choice)" });
        var hidden = Positive(new Option<int>("--hidden") { Description = "hidden size of the projector and the predictor", DefaultValueFactory = _ => 4096 });
        var projection = Positive(new Option<int>("--projection") { Description = "projection size", DefaultValueFactory = _ => 256 });
        var photos = new Option<string?>("--photos")
        {
            Description = "train on the image files of this folder (LoadImages; cached whole at --source-scale × --size) instead of random vectors",
        };
        var sourceScale = new Option<double>("--source-scale") { Description = "ByolOptions.SourceImageScale for --photos", DefaultValueFactory = _ => 1.5 };
        sourceScale.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is not (>= 1 and <= 4))
                r.AddError("--source-scale must be between 1 and 4.");
        });
        var json = new Option<bool>("--json") { Description = "print one JSON line (the format of benchmarks/pytorch/byol_step.py) instead of the sentence" };
        var variants = new Option<string?>("--variants")
        {
            Description = $"A/B: comma-separated variants of the step's kernel switches, alternated within each round in this process ({Variant.Words})",
        };
        variants.Validators.Add(r =>
        {
            if (Variant.ParseList(r.GetValueOrDefault<string?>() ?? "").Error is { } error)
                r.AddError(error);
        });
        var rounds = Positive(new Option<int>("--rounds") { Description = "with --variants: rounds (medians are reported)", DefaultValueFactory = _ => 3 });

        var root = new RootCommand(
            "Times BYOL training steps through the public API on random 3-channel byte-valued images; the first steps are warm-up " +
            "and not counted, and the trainer's phase profile is read from the MLContext log.")
        {
            arch, width, size, batch, steps, warmup, threads, hidden, projection, json, photos, sourceScale, variants, rounds,
        };
        root.Validators.Add(r =>
        {
            if (r.GetValue(json) && r.GetValue(variants) is not null)
                r.AddError("--json and --variants cannot be combined.");
        });
        root.SetAction(parse => run(new ByolBenchSettings(
            parse.GetValue(arch), parse.GetValue(width), parse.GetValue(size), parse.GetValue(batch), parse.GetValue(steps),
            parse.GetValue(warmup), parse.GetValue(threads), parse.GetValue(hidden), parse.GetValue(projection), parse.GetValue(json),
            parse.GetValue(photos), parse.GetValue(sourceScale), parse.GetValue(variants), parse.GetValue(rounds))));
        return root;
    }

    private static T Fail<T>(ArgumentResult result, string error)
    {
        result.AddError(error);
        return default!;
    }
}
