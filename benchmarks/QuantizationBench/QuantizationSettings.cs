namespace QuantizationBench;

/// <summary>The command line of the benchmark.</summary>
internal sealed record QuantizationSettings(
    string Dataset, string? Encoder, int ImageSize, int Train, int Test, int Calibration, int Rounds, int SpeedImages, string Work, bool SpeedOnly);
