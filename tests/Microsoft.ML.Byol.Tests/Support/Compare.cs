namespace Microsoft.ML.Byol.Tests.Support;

/// <summary>Comparisons of embedding lists.</summary>
internal static class Compare
{
    /// <summary>Largest absolute difference between two equally shaped lists of vectors.</summary>
    public static float MaxAbsDifference(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b)
    {
        a.Count.Should().Be(b.Count);
        return a.Zip(b).Max(p => p.First.Zip(p.Second).Max(v => Math.Abs(v.First - v.Second)));
    }
}
