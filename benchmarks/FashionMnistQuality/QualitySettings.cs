using System.Globalization;
using Microsoft.ML.Byol;

namespace FashionMnistQuality;

/// <summary>
/// Command-line settings. The defaults are the configuration chosen for the best linear-probe accuracy per CPU-minute
/// on 2 cores (see docs/benchmarks.md, "Fashion-MNIST quality"): ResNet-18 at width 1/4 with the small-image stem
/// at the native 28 px, batch 128, LARS with η = 0.01 and base lr 1.0, τ base 0.99, views tuned for 28 px grey images.
/// </summary>
internal sealed class QualitySettings
{
    public double BudgetMinutes { get; private set; } = 30;
    public string FashionMnistFolder { get; private set; } = ByolFashionMnist.FashionMnist.DefaultFolder;
    public string? Output { get; private set; }
    public ByolArchitecture Architecture { get; private set; } = ByolArchitecture.ResNet18;
    public float Width { get; private set; } = 0.25f;
    public int BatchSize { get; private set; } = 128;
    public int HiddenSize { get; private set; } = 512;
    public int ProjectionSize { get; private set; } = 128;
    public double LearningRate { get; private set; } = 1.0;
    public double TrustCoefficient { get; private set; } = 0.01;
    public double CropScaleMin { get; private set; } = 0.2;
    public int CurvePoints { get; private set; } = 6;
    public int? TrainLimit { get; private set; }
    public int? TestLimit { get; private set; }
    public int? Threads { get; private set; }
    public int Seed { get; private set; } = 1;
    public bool WriteResults { get; private set; } = true;

    /// <summary>Image side: Fashion-MNIST's own.</summary>
    public int ImageSize => 28;

    private const string Usage = """
        Usage: FashionMnistQuality [options]
          --budget-minutes X    pretraining time budget (default 30): the step count is calibrated to fit it
          --fashion-mnist DIR   folder with the four IDX .gz files (default /usr/share/datasets/fashion-mnist)
          --out DIR             work folder for checkpoints and encoders (default: a temporary folder, deleted)
          --arch NAME           ResNet18 | ResNet34 | ResNet50 (default ResNet18)
          --width X             width multiplier (default 0.25)
          --batch N             batch size (default 128)
          --hidden N            projector/predictor hidden width (default 512)
          --projection N        projection size (default 128)
          --lr X                base learning rate, scaled by batch/256 (default 1.0)
          --eta X               LARS trust coefficient (default 0.01)
          --crop-min X          smallest crop area fraction of both views (default 0.2)
          --curve-points N      encoders evaluated along the run for the accuracy curve (default 6, the last is the final one)
          --train-limit N       use only the first N training images (smoke runs)
          --test-limit N        use only the first N test images (smoke runs)
          --threads N           TorchSharp CPU threads
          --seed N              seed (default 1)
          --no-results          do not write benchmarks/results (smoke runs)
        """;

    public static QualitySettings? Parse(string[] args)
    {
        var s = new QualitySettings();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            double Double() => double.Parse(Next(), CultureInfo.InvariantCulture);
            try
            {
                switch (args[i])
                {
                    case "--budget-minutes": s.BudgetMinutes = Positive(Double(), "--budget-minutes"); break;
                    case "--fashion-mnist": s.FashionMnistFolder = Next(); break;
                    case "--out": s.Output = Next(); break;
                    case "--arch": s.Architecture = Enum.Parse<ByolArchitecture>(Next(), ignoreCase: true); break;
                    case "--width": s.Width = (float)Double(); break;
                    case "--batch": s.BatchSize = Int(); break;
                    case "--hidden": s.HiddenSize = Int(); break;
                    case "--projection": s.ProjectionSize = Int(); break;
                    case "--lr": s.LearningRate = Double(); break;
                    case "--eta": s.TrustCoefficient = Double(); break;
                    case "--crop-min": s.CropScaleMin = Double(); break;
                    case "--curve-points": s.CurvePoints = (int)Positive(Int(), "--curve-points"); break;
                    case "--train-limit": s.TrainLimit = Int(); break;
                    case "--test-limit": s.TestLimit = Int(); break;
                    case "--threads": s.Threads = Int(); break;
                    case "--seed": s.Seed = Int(); break;
                    case "--no-results": s.WriteResults = false; break;
                    case "-h" or "--help": Console.WriteLine(Usage); return null;
                    default: throw new ArgumentException($"Unknown option {args[i]}.");
                }
            }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(Usage);
                return null;
            }
        }
        return s;
    }

    private static double Positive(double value, string name)
        => value > 0 ? value : throw new ArgumentException($"{name} must be positive; it is {value}.");

    /// <summary>
    /// The two views for 28 px grey images: crops of at least <see cref="CropScaleMin"/> of the image (an 8 % crop
    /// of 28 px is about 8×8 pixels, too little of a garment to share its class with the other view), no blur
    /// (the paper's 23/224 kernel is 3 px here), and only brightness and contrast jitter, since saturation, hue
    /// and grayscale conversion do nothing to an image whose three channels are equal; solarize stays in view 2.
    /// </summary>
    public (ByolViewOptions View1, ByolViewOptions View2) Views()
    {
        ByolViewOptions Grey(ByolViewOptions v)
        {
            v.CropScaleMin = CropScaleMin;
            v.Saturation = 0;
            v.Hue = 0;
            v.GrayscaleProbability = 0;
            return v;
        }
        return (Grey(ByolViewOptions.SmallImageView1()), Grey(ByolViewOptions.SmallImageView2()));
    }
}
