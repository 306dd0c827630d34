namespace Microsoft.ML.Byol.Import;

/// <summary>
/// Encoder weights read from a file (<see cref="EncoderImport"/>): the layout the file describes and every tensor by
/// this library's ResNet state_dict name, expressed for its input contract (RGB in [0, 1], ImageNet-normalised).
/// </summary>
internal sealed record ImportedEncoder(ResNetLayout Layout, IReadOnlyDictionary<string, (float[] Data, long[] Shape)> Weights, string Format, string Description);
