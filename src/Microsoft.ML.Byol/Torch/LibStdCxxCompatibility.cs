using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Microsoft.ML.Byol.Torch;

/// <summary>
/// Makes TorchSharp's native library loadable where the system libstdc++ is older than the one it was linked
/// against (Debian 12, Ubuntu 22.04: GLIBCXX_3.4.30, while TorchSharp 0.107 asks for GLIBCXX_3.4.32).
/// </summary>
/// <remarks>
/// <para>
/// GCC 13 headers make every object that includes &lt;iostream&gt; reference <c>std::ios_base_library_init()</c>,
/// only to pin the GLIBCXX_3.4.32 version; nothing calls it. When every symbol bound to a missing version has no
/// relocation against it, the need can be marked weak (<c>VER_FLG_WEAK</c>) and the dynamic loader accepts the
/// library. This class does that to a <b>copy</b> of <c>libLibTorchSharp.so</c> in a per-user cache (the NuGet cache
/// and the build output are never modified), loads libtorch by full path, then loads the copy; TorchSharp's own
/// loader later asks for <c>libLibTorchSharp.so</c> by name and glibc returns the already loaded copy (same soname).
/// </para>
/// <para>
/// Nothing is done where the system libstdc++ already provides every needed version, nor on other operating
/// systems. When the missing versions are bound to symbols that are really used, nothing is patched and the reason
/// is reported.
/// </para>
/// </remarks>
internal static class LibStdCxxCompatibility
{
    private const string TorchSharpLibrary = "libLibTorchSharp.so";
    private static readonly string[] LibTorchLoadOrder =
        { "libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so" };

    /// <summary>Applies the workaround when needed. Returns what was done, in one sentence per step.</summary>
    public static IReadOnlyList<string> Apply(IEnumerable<string> nativeSearchDirectories)
    {
        var log = new List<string>();
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return log;

        var directories = nativeSearchDirectories.Where(Directory.Exists).Distinct().ToList();
        string? torchSharp = directories.Select(d => Path.Combine(d, TorchSharpLibrary)).FirstOrDefault(File.Exists);
        if (torchSharp is null)
        {
            log.Add($"{TorchSharpLibrary} was not found beside the application; TorchSharp will look for it itself.");
            return log;
        }

        string? systemLibStdCxx = FindLoadedLibStdCxx();
        if (systemLibStdCxx is null)
        {
            log.Add("The system libstdc++.so.6 could not be located; TorchSharp is loaded as is.");
            return log;
        }

        var provided = ElfVersionNeeds.Parse(File.ReadAllBytes(systemLibStdCxx)).Definitions();
        var elf = ElfVersionNeeds.Parse(File.ReadAllBytes(torchSharp));
        var missing = elf.Needs()
            .Where(n => n.Library.StartsWith("libstdc++", StringComparison.Ordinal) && !provided.Contains(n.Version))
            .Where(n => (n.Flags & ElfVersionNeeds.VerFlagWeak) == 0)
            .ToList();
        if (missing.Count == 0)
            return log;

        foreach (var need in missing)
        {
            int relocations = elf.RelocationsAgainst(need.Index);
            var symbols = elf.SymbolsBoundTo(need.Index);
            if (relocations != 0)
            {
                log.Add($"{TorchSharpLibrary} needs {need.Version}, which {systemLibStdCxx} lacks, and uses symbols of that version " +
                        $"({string.Join(", ", symbols)}: {relocations} relocations); it cannot be made loadable here. " +
                        "Install a libstdc++ from GCC 13 or newer.");
                return log;
            }
            log.Add($"{TorchSharpLibrary} asks for {need.Version}, which {systemLibStdCxx} lacks; the symbols bound to it " +
                    $"({string.Join(", ", symbols)}) have no relocation, so the need is made weak in a private copy.");
            elf.MakeWeak(need);
        }

        string? libTorchDirectory = new[] { Path.GetDirectoryName(torchSharp)! }.Concat(directories)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "libtorch.so")));
        if (libTorchDirectory is null)
        {
            log.Add("libtorch.so was not found (reference libtorch-cpu-linux-x64, TorchSharp-cpu or TorchSharp-cuda-linux); nothing was loaded.");
            return log;
        }

        string patched = WriteCopy(elf.Image);
        foreach (var name in LibTorchLoadOrder)
        {
            string path = Path.Combine(libTorchDirectory, name);
            if (File.Exists(path))
                NativeLibrary.Load(path);
        }
        NativeLibrary.Load(patched);
        log.Add($"Loaded libtorch from {libTorchDirectory} and the patched {TorchSharpLibrary} from {patched}.");
        return log;
    }

    private static string WriteCopy(byte[] image)
    {
        string hash = Convert.ToHexString(SHA256.HashData(image))[..16].ToLowerInvariant();
        string directory = Path.Combine(CacheRoot(), "libstdcxx-compat", hash);
        string path = Path.Combine(directory, TorchSharpLibrary);
        if (File.Exists(path) && new FileInfo(path).Length == image.Length)
            return path;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{TorchSharpLibrary}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temporary, image);
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private static string CacheRoot()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string root = !string.IsNullOrEmpty(xdg) ? xdg
            : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".cache")
            : Path.GetTempPath();
        string candidate = Path.Combine(root, "microsoft-ml-byol");
        try
        {
            Directory.CreateDirectory(candidate);
            return candidate;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Path.Combine(Path.GetTempPath(), $"microsoft-ml-byol-{Environment.UserName}");
        }
    }

    /// <summary>The path of the libstdc++.so.6 that the dynamic loader picks for this process.</summary>
    private static string? FindLoadedLibStdCxx()
    {
        if (!NativeLibrary.TryLoad("libstdc++.so.6", out _))
            return null;
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            int slash = line.IndexOf('/');
            if (slash >= 0 && line.AsSpan(slash).EndsWith("/libstdc++.so.6".AsSpan(), StringComparison.Ordinal) ||
                slash >= 0 && Path.GetFileName(line[slash..]).StartsWith("libstdc++.so.6", StringComparison.Ordinal))
                return line[slash..].Trim();
        }
        return null;
    }
}
