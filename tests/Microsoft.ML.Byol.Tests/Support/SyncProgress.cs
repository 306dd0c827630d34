namespace Microsoft.ML.Byol.Tests.Support;

/// <summary>Reports on the training thread, in order (unlike <see cref="Progress{T}"/>, which posts to the thread pool).</summary>
internal sealed class SyncProgress(Action<ByolProgress> report) : IProgress<ByolProgress>
{
    public void Report(ByolProgress value) => report(value);
}
