using System.CommandLine;
using System.CommandLine.Parsing;
using static Microsoft.ML.Byol.Cli.OptionRules;

namespace ByolBenchmarks;

/// <summary>The settings of one TrainSpeed run (the options of <see cref="TrainSpeedCommand"/>, --quick applied).</summary>
internal sealed record TrainSpeedSettings(
    bool Quick, int Rounds, int Steps, int Warmup, int Threads, bool Write, string Python, string Configs, string? Allocators);

/// <summary>The command line (System.CommandLine): options → <see cref="TrainSpeedSettings"/> → the benchmark.</summary>
internal static class TrainSpeedCommand
{
    public static RootCommand Create(Func<TrainSpeedSettings, int> run)
    {
        var rounds = Positive(new Option<int?>("--rounds") { Description = "rounds; each launches both children once per configuration and allocator (default: 3; 1 with --quick)" });
        var steps = Positive(new Option<int?>("--steps") { Description = "timed steps per child, divided by 4 for ResNet-50, at least 2 (default: 8; 2 with --quick)" });
        var warmup = NonNegative(new Option<int?>("--warmup") { Description = "untimed warm-up steps per child, divided by 4 for ResNet-50, at least 1 (default: 2; 1 with --quick)" });
        var threads = Positive(new Option<int?>("--threads") { Description = "CPU threads of both children (default: 2)" });
        var configs = new Option<string>("--configs")
        {
            Description = $"configurations, comma-separated ({string.Join(", ", Configuration.All.Select(c => $"{c.Key}: {c.Label}"))})",
            DefaultValueFactory = _ => "r18,r50",
        };
        configs.Validators.Add(r =>
        {
            foreach (var key in (r.GetValueOrDefault<string>() ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (Configuration.All.All(c => c.Key != key))
                    r.AddError($"Unknown configuration '{key}'; known: {string.Join(", ", Configuration.All.Select(x => x.Key))}.");
            }
        });
        var python = new Option<string>("--python") { Description = "the Python that runs benchmarks/pytorch/byol_step.py", DefaultValueFactory = _ => "/usr/bin/python3" };
        var allocators = new Option<string?>("--allocators")
        {
            Description = "allocators, comma-separated (glibc, jemalloc); each configuration is measured under each, both sides under the same one " +
                          "(default: glibc, and jemalloc when libjemalloc2 is installed)",
        };
        allocators.Validators.Add(r =>
        {
            foreach (var name in (r.GetValueOrDefault<string?>() ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (name is not ("glibc" or "jemalloc"))
                    r.AddError($"Unknown allocator '{name}'; known: glibc, jemalloc.");
            }
        });
        var quick = new Option<bool>("--quick") { Description = "a smoke test: 1 round of 1 warm-up + 2 timed steps; prints the JSON and writes latest.json only with --write" };
        var write = new Option<bool>("--write") { Description = "with --quick: write benchmarks/results/latest.json anyway (always written without --quick)" };

        var root = new RootCommand(
            "Training speed of Microsoft.ML.Byol (TorchSharp) against a PyTorch peer doing the same BYOL step: per configuration the two " +
            "children (benchmarks/ByolBench and benchmarks/pytorch/byol_step.py) are launched alternately; medians over the rounds are " +
            "compared and written to benchmarks/results/latest.json (\"trainSpeed\").")
        {
            rounds, steps, warmup, configs, threads, python, allocators, quick, write,
        };
        root.SetAction(parse =>
        {
            bool isQuick = parse.GetValue(quick);
            int Value(Option<int?> option, int normal, int whenQuick) => parse.GetValue(option) ?? (isQuick ? whenQuick : normal);
            return run(new TrainSpeedSettings(
                isQuick, Value(rounds, 3, 1), Value(steps, 8, 2), Value(warmup, 2, 1), Value(threads, 2, 2),
                !isQuick || parse.GetValue(write), parse.GetValue(python) is { Length: > 0 } p ? p : "/usr/bin/python3",
                parse.GetValue(configs) is { Length: > 0 } c ? c : "r18,r50", parse.GetValue(allocators)));
        });
        return root;
    }
}
