namespace Microsoft.ML.Byol.Onnx.Tests.Support;

/// <summary>
/// Tests that measure the process's memory run alone: xunit runs the other test classes of this assembly in
/// parallel, and their allocations would be counted as the measured test's (the streaming test's managed heap grew
/// 2.4 MB in CI while another class ran beside it).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "Memory measurement";
}
