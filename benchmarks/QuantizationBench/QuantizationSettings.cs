namespace QuantizationBench;

/// <summary>The command line of the benchmark. No <see cref="Encoders"/>: ML.NET's ImageNet ResNet-18 imported at
/// <see cref="ImageSize"/>.</summary>
internal sealed record QuantizationSettings(
    string Dataset, IReadOnlyList<string> Encoders, int ImageSize, int Train, int Test, int Calibration, int Rounds, int SpeedImages, string Work, bool SpeedOnly);
