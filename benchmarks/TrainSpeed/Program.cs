using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ByolBenchmarks;

// Training speed of Microsoft.ML.Byol (TorchSharp) against a PyTorch peer doing the same BYOL step, in one run:
// per configuration, the two children are launched alternately (torchsharp, pytorch, torchsharp, pytorch, ...), each
// doing --warmup untimed steps then --steps timed steps on 2 threads (ResNet-50: a quarter of each, at least 1 and 2); medians over the rounds are compared and
// written to benchmarks/results/latest.json under "trainSpeed" (other sections of that file are kept).
//   dotnet run -c Release --project benchmarks/TrainSpeed -- [--rounds 3] [--steps 8] [--warmup 2] [--configs r18,r50]
//       [--threads 2] [--python /usr/bin/python3] [--allocators glibc,jemalloc] [--quick] [--write]
// --allocators: each configuration is measured under each allocator, both sides under the same one (default: glibc,
// and jemalloc when libjemalloc2 is installed); system CPU seconds per step are reported beside the throughput.
// --quick: a smoke test (1 round of 2 steps after 1 warm-up step); it writes latest.json only with --write.
// The options (System.CommandLine, TrainSpeedCommand.cs) are listed by --help; an unknown option is an error.
// The C# child is benchmarks/ByolBench/bin/Release/net10.0/ByolBench.dll (built with `dotnet build -c Release` if missing).
return TrainSpeedCommand.Create(Run).Parse(args).Invoke();

int Run(TrainSpeedSettings settings)
{
    var (quick, rounds, steps, warmup, threads, write, python, configs, allocatorNames) = settings;
    var keys = configs.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
    var allocators = Allocator.Parse(allocatorNames);
    var configurations = keys.Select(k => Configuration.All.FirstOrDefault(x => x.Key == k)
        ?? throw new ArgumentException($"Unknown configuration '{k}'; known: {string.Join(", ", Configuration.All.Select(x => x.Key))}.")).ToList();

    string root = ResultsFile.RepositoryRoot();
    string bench = Path.Combine(root, "benchmarks", "ByolBench", "bin", "Release", "net10.0", "ByolBench.dll");
    string script = Path.Combine(root, "benchmarks", "pytorch", "byol_step.py");
    if (!File.Exists(bench))
    {
        Console.WriteLine("ByolBench is not built; running dotnet build -c Release benchmarks/ByolBench ...");
        using var build = Process.Start(new ProcessStartInfo("dotnet", new[] { "build", "-c", "Release", Path.Combine(root, "benchmarks", "ByolBench") }) { WorkingDirectory = root })!;
        build.WaitForExit();
        if (build.ExitCode != 0 || !File.Exists(bench))
            throw new InvalidOperationException($"Building ByolBench failed; {bench} is missing.");
    }

    Console.WriteLine($"Training speed, TorchSharp vs PyTorch: {rounds} round(s) of {warmup} warm-up + {steps} timed steps, {threads} threads, {Environment.ProcessorCount} cores.");
    var results = new JsonArray();
    foreach (var configuration in configurations)
    {
        int timed = configuration.TimedSteps(steps), untimed = configuration.WarmupSteps(warmup);
        var common = ChildRun.CommonArguments(configuration, timed, untimed, threads).ToArray();
        foreach (var allocator in allocators)
        {
            Console.WriteLine($"[{configuration.Key}, {allocator.Name}] {configuration.Label}: {untimed} warm-up + {timed} timed steps per child");
            var ours = new List<JsonObject>();
            var peer = new List<JsonObject>();
            for (int round = 1; round <= rounds; round++)
            {
                ours.Add(Report("torchsharp", round, ChildRun.Run("dotnet", new[] { bench, "--json", "--arch", configuration.Arch }.Concat(common), root, allocator)));
                peer.Add(Report("pytorch", round, ChildRun.Run(python, new[] { script, "--arch", configuration.Arch }.Concat(common), root, allocator)));
            }

            results.Add(Summary.Of(configuration, allocator.Name, ours, peer, rounds, timed, untimed, threads));
        }
    }

    // The headline is the first configuration under the fastest allocator measured (the one users get by default).
    var headline = results.Select(r => r!.AsObject()).Where(r => (string)r["key"]! == configurations[0].Key)
        .OrderBy(r => (string)r["allocator"]! == "glibc" ? 1 : 0).First();
    var section = new JsonObject
    {
        ["ratioVsPyTorch"] = headline["ratioVsPyTorch"]!.DeepClone(),
        ["pairsPerSecond"] = headline["torchsharp"]!["pairsPerSecond"]!.DeepClone(),
        ["pytorchPairsPerSecond"] = headline["pytorch"]!["pairsPerSecond"]!.DeepClone(),
        ["headlineConfiguration"] = headline["key"]!.DeepClone(),
        ["headlineAllocator"] = headline["allocator"]!.DeepClone(),
        ["allocators"] = new JsonArray(allocators.Select(a => (JsonNode?)a.Name).ToArray()),
        ["smoke"] = quick,
        ["rounds"] = rounds, ["steps"] = steps, ["warmup"] = warmup, ["threads"] = threads,
        ["configurations"] = results,
    };
    Console.WriteLine();
    Summary.PrintTable(results);
    if (write)
        Console.WriteLine($"Wrote \"trainSpeed\" to {ResultsFile.Update("trainSpeed", section)}");
    else
        Console.WriteLine(section.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    return 0;
}

static JsonObject Report(string impl, int round, JsonObject result)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  round {round} {impl,-10} {(double)result["pairsPerSecond"]!,8:F2} pairs/s  {(double)result["secondsPerStep"]!,7:F3} s/step  " +
        $"{(double?)result["systemSecondsPerStep"] ?? double.NaN,7:F3} s system/step  peak RSS {(double)result["peakRssMiB"]!,6:F0} MiB  ({result["allocator"]})"));
    return result;
}
