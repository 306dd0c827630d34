using System.Globalization;
using Microsoft.ML.Byol;

namespace ByolFashionMnist;

/// <summary>Command-line settings of the job; defaults finish in about 10 minutes on 2 CPU cores.</summary>
internal sealed class Settings
{
    public string FashionMnistFolder { get; private set; } = FashionMnist.DefaultFolder;
    public string? ImageFolder { get; private set; }
    public string Output { get; private set; } = "byol-output";
    public ByolArchitecture Architecture { get; private set; } = ByolArchitecture.ResNet18;
    public float Width { get; private set; } = 0.25f;
    public int ImageSize { get; private set; } = 28;
    public int HiddenSize { get; private set; } = 512;
    public int Epochs { get; private set; } = 3;
    public long? MaxSteps { get; private set; }
    public int BatchSize { get; private set; } = 128;
    public double LearningRate { get; private set; } = 1.0;
    public double TrustCoefficient { get; private set; } = 0.01;
    public int? TrainLimit { get; private set; }
    public int? TestLimit { get; private set; }
    public int? ProbeTrainLimit { get; private set; } = 20000;
    public string Device { get; private set; } = "auto";
    public int? Threads { get; private set; }
    public int Seed { get; private set; } = 1;

    private const string Usage = """
        Usage: ByolFashionMnist [options]
          --fashion-mnist DIR   folder with the Fashion-MNIST IDX .gz files (default /usr/share/datasets/fashion-mnist,
                                from 'apt-get install dataset-fashion-mnist')
          --images DIR          use a folder of images instead (one sub-folder per class; labels only for the probe)
          --out DIR             where encoder.onnx, model.zip, checkpoints and result.txt go (default ./byol-output)
          --arch NAME           ResNet18 | ResNet34 | ResNet50 | ResNet101 | ResNet152 (default ResNet18)
          --width X             width multiplier (default 0.25)
          --image-size N        training and scoring size in pixels (default 28)
          --hidden N            projector/predictor hidden width (default 512)
          --epochs N            pretraining epochs (default 3)
          --max-steps N         stop after N optimizer steps (schedules follow the shortened run)
          --batch N             batch size (default 128)
          --lr X                base learning rate, scaled by batch/256 (default 1.0)
          --eta X               LARS trust coefficient (default 0.01; the paper's 0.001 suits batches of thousands)
          --train-limit N       use only the first N training images
          --test-limit N        use only the first N test images
          --probe-train N       train the probes on the first N training images (default 20000; 0 = all)
          --device D            auto | cpu | cuda | cuda:N (default auto)
          --threads N           TorchSharp CPU threads
          --seed N              MLContext seed (default 1)
        """;

    public static Settings? Parse(string[] args)
    {
        var s = new Settings();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int() => int.Parse(Next(), CultureInfo.InvariantCulture);
            double Double() => double.Parse(Next(), CultureInfo.InvariantCulture);
            try
            {
                switch (args[i])
                {
                    case "--fashion-mnist": s.FashionMnistFolder = Next(); break;
                    case "--images": s.ImageFolder = Next(); break;
                    case "--out": s.Output = Next(); break;
                    case "--arch": s.Architecture = Enum.Parse<ByolArchitecture>(Next(), ignoreCase: true); break;
                    case "--width": s.Width = (float)Double(); break;
                    case "--image-size": s.ImageSize = Int(); break;
                    case "--hidden": s.HiddenSize = Int(); break;
                    case "--epochs": s.Epochs = Int(); break;
                    case "--max-steps": s.MaxSteps = Int(); break;
                    case "--batch": s.BatchSize = Int(); break;
                    case "--lr": s.LearningRate = Double(); break;
                    case "--eta": s.TrustCoefficient = Double(); break;
                    case "--train-limit": s.TrainLimit = Int(); break;
                    case "--test-limit": s.TestLimit = Int(); break;
                    case "--probe-train": s.ProbeTrainLimit = Int() is var n && n > 0 ? n : null; break;
                    case "--device": s.Device = Next(); break;
                    case "--threads": s.Threads = Int(); break;
                    case "--seed": s.Seed = Int(); break;
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
}
