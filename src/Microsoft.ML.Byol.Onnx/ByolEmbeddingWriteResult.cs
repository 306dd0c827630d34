namespace Microsoft.ML.Byol;

/// <summary>What <see cref="ByolEmbeddingWriter.WriteParquetAsync"/> wrote.</summary>
/// <param name="Written">Rows written: the inputs embedded.</param>
/// <param name="Failed">Inputs that failed, listed in the errors file.</param>
/// <param name="ErrorsPath">The errors file (written only when <paramref name="Failed"/> is more than 0).</param>
public sealed record ByolEmbeddingWriteResult(long Written, long Failed, string ErrorsPath);
