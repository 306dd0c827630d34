using Microsoft.ML.Byol;

namespace ByolBenchmarks;

/// <summary>
/// The malloc a benchmark child runs under, the same for both sides: glibc's own, or jemalloc preloaded with the
/// settings the library's <see cref="ByolFastAllocator"/> uses (pages kept between steps).
/// </summary>
/// <param name="Name">"glibc" or "jemalloc".</param>
/// <param name="Library">The jemalloc library preloaded (null for glibc).</param>
internal sealed record Allocator(string Name, string? Library)
{
    private const string JemallocPath = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2";

    /// <summary>The allocators named on the command line (default: glibc, and jemalloc when it is installed).</summary>
    public static IReadOnlyList<Allocator> Parse(string? names)
    {
        var list = (names is { Length: > 0 } ? names : File.Exists(JemallocPath) ? "glibc,jemalloc" : "glibc")
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return list.Select(n => n switch
        {
            "glibc" => new Allocator("glibc", null),
            "jemalloc" when File.Exists(JemallocPath) => new Allocator("jemalloc", JemallocPath),
            "jemalloc" => throw new InvalidOperationException($"jemalloc is not installed ({JemallocPath}): apt-get install libjemalloc2."),
            _ => throw new ArgumentException($"Unknown allocator '{n}'; known: glibc, jemalloc."),
        }).ToList();
    }

    /// <summary>Sets a child's environment: the preload (or none) and no relaunch by the child itself.</summary>
    public void Apply(IDictionary<string, string?> environment)
    {
        environment.Remove("LD_PRELOAD");
        environment.Remove("MALLOC_CONF");
        environment[ByolFastAllocator.OptOutVariable] = "0";
        if (Library is null)
            return;
        environment["LD_PRELOAD"] = Library;
        environment["MALLOC_CONF"] = ByolFastAllocator.JemallocSettings;
    }
}
