using Microsoft.ML.Byol;

namespace FashionMnistQuality;

/// <summary>
/// What one run measures and how (built from the command line by <see cref="QualityCommand"/>). The BYOL runs (c) and
/// (d) set only what the benchmark is about (initial weights, encoder size for (d), image size, time budget, kNN
/// monitor) and leave every other option to the library's recipe.
/// </summary>
internal sealed class QualitySettings
{
    public required IReadOnlySet<BenchmarkPart> Parts { get; init; }
    public double BudgetMinutes { get; init; } = 30;

    /// <summary>
    /// A fixed number of BYOL steps for (c) and (d) instead of the time budget: the result then does not depend on how
    /// busy the machine is, only the time it takes.
    /// </summary>
    public int? Steps { get; init; }
    public string FashionMnistFolder { get; init; } = ByolFashionMnist.FashionMnist.DefaultFolder;
    public string? Output { get; init; }
    public int? TrainImages { get; init; }
    public int? TestImages { get; init; }
    public int? Threads { get; init; }
    public int Seed { get; init; } = 1;
    public bool WriteResults { get; init; } = true;

    /// <summary>Exported encoders to probe instead of the parts (<see cref="EncoderProbes"/>); empty: run the parts.</summary>
    public IReadOnlyList<string> Encoders { get; init; } = [];

    /// <summary>Training size of (b) and (c), images resized from 28 px the way ML.NET does.</summary>
    public int ImageNetTrainingSize { get; init; } = 64;

    /// <summary>Width multiplier of (d)'s ResNet-18.</summary>
    public float Width { get; init; } = 0.25f;

    /// <summary>Image size of (d): Fashion-MNIST's own.</summary>
    public int ImageSize { get; init; } = 28;

    /// <summary>Encoders evaluated along each BYOL run for the accuracy-over-time curve (the last is the final one).</summary>
    public int CurvePoints { get; init; } = 6;

    /// <summary>Steps between checkpoints of the BYOL runs (all kept; <see cref="CurvePoints"/> of them evaluated).</summary>
    public int CheckpointEverySteps { get; init; } = 200;

    /// <summary>Test images on which the batched ONNX Runtime path is compared with DnnFeaturizeImage.</summary>
    public int CheckImages { get; init; } = 200;

    /// <summary>Largest |difference| allowed between the batched path and DnnFeaturizeImage.</summary>
    public double CheckTolerance { get; init; } = 1e-3;

    /// <summary>Images per ONNX Runtime run of the batched path.</summary>
    public int OnnxBatch { get; init; } = 32;

    public bool Runs(BenchmarkPart part) => Parts.Contains(part);

    public TimeSpan Budget => TimeSpan.FromMinutes(BudgetMinutes);

    /// <summary>How long each BYOL run is, as the options and the log say it.</summary>
    public string Length => Steps is { } steps ? $"MaxSteps = {steps}" : $"TimeBudget = {BudgetMinutes} min";

    /// <summary>Sets the run length of a BYOL run: <see cref="Steps"/> when given, else the time budget.</summary>
    public void ApplyLength(ByolOptions options)
    {
        if (Steps is { } steps)
        {
            options.MaxSteps = steps;
            options.TimeBudget = null;
        }
        else
            options.TimeBudget = Budget;
    }
}
