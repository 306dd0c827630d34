using System.Runtime.InteropServices;
using TorchSharp;

namespace Microsoft.ML.Byol.Torch;

/// <summary>
/// The one place where this library touches TorchSharp's process-wide state: native loading (with the libstdc++
/// compatibility step), device choice, seeding and thread count. Call <see cref="EnsureInitialized"/> before the
/// first use of <see cref="torch"/>: once TorchSharp's static constructor has failed, it stays failed for the
/// life of the process.
/// </summary>
internal static class TorchRuntime
{
    private static readonly object Gate = new();
    private static IReadOnlyList<string>? _initializationLog;
    private static int? _torchDefaultThreads;

    /// <summary>Prepares TorchSharp's native library once per process; returns what was done.</summary>
    public static IReadOnlyList<string> EnsureInitialized()
    {
        if (_initializationLog is { } done)
            return done;
        lock (Gate)
        {
            if (_initializationLog is null)
            {
                var log = new List<string>();
                try
                {
                    log.AddRange(LibStdCxxCompatibility.Apply(NativeSearchDirectories()));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or DllNotFoundException or BadImageFormatException)
                {
                    log.Add($"The libstdc++ compatibility step failed ({e.GetType().Name}: {e.Message}); TorchSharp is loaded as is.");
                }
                _initializationLog = log;
            }
            return _initializationLog;
        }
    }

    /// <summary>
    /// Makes TorchSharp ready for a run: native libraries (its log lines go to <paramref name="log"/>), device,
    /// CPU threads and the global seed, in that order. Returns the device.
    /// </summary>
    /// <param name="options">The run's options.</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="log">Receives one line per step.</param>
    /// <param name="threads">The run's thread count when it was already chosen (<see cref="ChooseThreads"/>), so that
    /// every part of a run uses the same; null: chosen here.</param>
    public static torch.Device Prepare(ByolOptions options, int seed, Action<string> log, ThreadChoice? threads = null)
    {
        foreach (var line in EnsureInitialized())
            log(line);
        var device = ResolveDevice(options.Device);
        threads ??= ChooseThreads(options.NumberOfThreads);
        torch.set_num_threads(threads.Threads);
        log(threads.LogLine);
        Seed(seed);
        return device;
    }

    /// <summary>
    /// Applies the process-wide settings of <paramref name="plan"/>: on CUDA, TF32 for cuDNN convolutions
    /// (<c>torch.backends.cudnn.allow_tf32</c>) and cuBLAS matrix products (<c>torch.backends.cuda.matmul.allow_tf32</c>).
    /// Nothing is touched on the CPU. Logs the plan.
    /// </summary>
    public static void Apply(DeviceExecutionPlan plan, Action<string> log)
    {
        if (plan.AllowTf32 is { } tf32)
        {
            torch.backends.cudnn.allow_tf32 = tf32;
            torch.backends.cuda.matmul.allow_tf32 = tf32;
            log($"BYOL: TF32 {(tf32 ? "allowed" : "disallowed")} for cuDNN convolutions and cuBLAS matmuls (ByolOptions.AllowTf32; process-wide): " +
                $"cudnn.allow_tf32 = {torch.backends.cudnn.allow_tf32}, cuda.matmul.allow_tf32 = {torch.backends.cuda.matmul.allow_tf32}.");
        }
        log($"BYOL: device use: {plan.Describe()}.");
    }

    /// <summary>Resolves a device string ("auto", "cpu", "cuda", "cuda:N") to a TorchSharp device.</summary>
    /// <exception cref="ArgumentException">The string is not a device name.</exception>
    /// <exception cref="InvalidOperationException">CUDA was asked for and is not available.</exception>
    public static torch.Device ResolveDevice(string device)
    {
        var spec = DeviceSpec.Parse(device);
        EnsureInitialized();
        switch (spec.Kind)
        {
            case DeviceKind.Cpu:
                return torch.CPU;
            case DeviceKind.Auto:
                return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
            default:
                if (!torch.cuda.is_available())
                    throw new InvalidOperationException(
                        $"Device '{device}' was requested but CUDA is not available to TorchSharp. Reference the " +
                        "TorchSharp-cuda-linux (or TorchSharp-cuda-windows) package in the application and check the NVIDIA driver, or use Device = \"cpu\".");
                int count = torch.cuda.device_count();
                int index = spec.Index ?? 0;
                if (index >= count)
                    throw new ArgumentException($"Device '{device}' does not exist: TorchSharp sees {count} CUDA device(s).", nameof(device));
                return new torch.Device(DeviceType.CUDA, index);
        }
    }

    /// <summary>Seeds TorchSharp's global generators (CPU and, where present, CUDA).</summary>
    public static void Seed(long seed)
    {
        EnsureInitialized();
        torch.random.manual_seed(seed);
        if (torch.cuda.is_available())
            torch.cuda.manual_seed_all(seed);
    }

    /// <summary>
    /// The intra-op thread count of a run (<see cref="ThreadCount.Choose"/>): the one asked for; else, on Linux, one per
    /// core that other processes left free when the run starts (measured over <see cref="CpuProbe.Sample"/>), capped at
    /// libtorch's default and the processors this process may use; elsewhere, the cap.
    /// </summary>
    public static ThreadChoice ChooseThreads(int? asked)
    {
        int torchDefault = TorchDefaultThreads();   // read before any run sets the count
        return asked is > 0
            ? ThreadCount.Choose(asked, torchDefault, Environment.ProcessorCount, CpuAvailability.Unknown)
            : ThreadCount.Choose(null, torchDefault, Environment.ProcessorCount, CpuProbe.Measure());
    }

    /// <summary>libtorch's own default thread count (one per physical core, or OMP_NUM_THREADS), read once, before this
    /// library first sets the count: later reads would return the count of the previous run.</summary>
    private static int TorchDefaultThreads()
    {
        EnsureInitialized();
        lock (Gate)
        {
            _torchDefaultThreads ??= torch.get_num_threads();
            return _torchDefaultThreads.Value;
        }
    }

    /// <summary>Folders where the native TorchSharp and libtorch libraries may be, most specific first.</summary>
    internal static IEnumerable<string> NativeSearchDirectories()
    {
        string rid = RuntimeInformation.RuntimeIdentifier.StartsWith("linux", StringComparison.Ordinal) ? "linux-x64" : RuntimeInformation.RuntimeIdentifier;
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirectories)
        {
            foreach (var directory in searchDirectories.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                yield return directory;
        }
        yield return AppContext.BaseDirectory;
        yield return Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native");

        // A package-cache layout (.NET Interactive, F# scripts): <packages>/torchsharp/<version>/lib/<tfm>/TorchSharp.dll
        string? assemblyDirectory = Path.GetDirectoryName(typeof(torch).Assembly.Location);
        if (string.IsNullOrEmpty(assemblyDirectory))
            yield break;
        yield return assemblyDirectory;
        string packageRoot = Path.GetFullPath(Path.Combine(assemblyDirectory, "..", ".."));
        yield return Path.Combine(packageRoot, "runtimes", rid, "native");
        string packages = Path.GetFullPath(Path.Combine(packageRoot, "..", ".."));
        if (!Directory.Exists(packages))
            yield break;
        foreach (var libtorch in Directory.EnumerateDirectories(packages, "libtorch-*").OrderBy(d => d, StringComparer.Ordinal))
        {
            foreach (var version in Directory.EnumerateDirectories(libtorch).OrderByDescending(d => d, StringComparer.Ordinal))
                yield return Path.Combine(version, "runtimes", rid, "native");
        }
    }
}
