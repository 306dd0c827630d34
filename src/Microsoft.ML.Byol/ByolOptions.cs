namespace Microsoft.ML.Byol;

/// <summary>
/// Options of <see cref="ByolEstimator"/>: what to read, which encoder to train, for how long, and how.
/// Defaults follow the BYOL paper's ImageNet recipe (ResNet-50, 224 px, LARS with base learning rate 0.2,
/// weight decay 1.5e-6, τ base 0.996, 10 warm-up epochs); for CPU training pick a small encoder
/// (for example ResNet-18 at width 0.25 and 32 px).
/// </summary>
public sealed class ByolOptions
{
    /// <summary>Input column: an <c>MLImage</c> column, or a known-size float vector of C×H×W pixels (C = 1 or 3) in [0, 1] or [0, 255].</summary>
    public string InputColumnName { get; set; } = "Image";

    /// <summary>Output column: a known-size float vector, the representation y of the online encoder.</summary>
    public string OutputColumnName { get; set; } = "Embedding";

    /// <summary>ResNet depth of the encoder.</summary>
    public ByolArchitecture Architecture { get; set; } = ByolArchitecture.ResNet50;

    /// <summary>Width multiplier of every convolution (1 = torchvision's widths; 0.125 to 0.25 are useful on a CPU).</summary>
    public float WidthMultiplier { get; set; } = 1f;

    /// <summary>Side in pixels of the training crops, which is also the size images are resized to for scoring.</summary>
    public int ImageSize { get; set; } = 224;

    /// <summary>Use the small-image stem (3×3 stride-1 convolution, no max-pool). Null: automatic, on when <see cref="ImageSize"/> ≤ 64.</summary>
    public bool? SmallImageStem { get; set; }

    /// <summary>Hidden width of the projector g.</summary>
    public int ProjectorHiddenSize { get; set; } = 4096;

    /// <summary>Output size of the projector and the predictor.</summary>
    public int ProjectionSize { get; set; } = 256;

    /// <summary>Hidden width of the predictor q.</summary>
    public int PredictorHiddenSize { get; set; } = 4096;

    /// <summary>Number of passes over the training images.</summary>
    public int Epochs { get; set; } = 300;

    /// <summary>
    /// When set, the run has at most this many optimizer steps; the learning-rate and τ schedules (and the warm-up,
    /// as the same fraction of the run) are laid over the shortened run, so it still ends with lr = 0 and τ = 1.
    /// 0 exports the untrained encoder (a baseline).
    /// </summary>
    public long? MaxSteps { get; set; }

    /// <summary>Images per optimizer step. The last incomplete batch of each epoch is dropped.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>Base learning rate; the peak learning rate is BaseLearningRate × BatchSize / 256.</summary>
    public double BaseLearningRate { get; set; } = 0.2;

    /// <summary>LARS weight decay (not applied to biases and normalisation parameters).</summary>
    public double WeightDecay { get; set; } = 1.5e-6;

    /// <summary>
    /// LARS trust coefficient η: adapted parameters move by about lr·η of their norm per step. The paper's 1e-3 suits
    /// its ImageNet batches of 4096; small-batch runs often need a larger value (for example 0.02).
    /// </summary>
    public double TrustCoefficient { get; set; } = 1e-3;

    /// <summary>Epochs of linear learning-rate warm-up from 0, before the cosine decay.</summary>
    public double WarmupEpochs { get; set; } = 10;

    /// <summary>Base EMA rate τ of the target network; τ rises to 1 along a cosine over the whole run.</summary>
    public double TauBase { get; set; } = 0.996;

    /// <summary>Augmentation of the first view (t).</summary>
    public ByolViewOptions View1 { get; set; } = ByolViewOptions.PaperView1();

    /// <summary>Augmentation of the second view (t′).</summary>
    public ByolViewOptions View2 { get; set; } = ByolViewOptions.PaperView2();

    /// <summary>Training device: "auto" (CUDA when TorchSharp has it, else CPU), "cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; set; } = "auto";

    /// <summary>Seed of weights, shuffling and augmentations. Null: drawn from the MLContext's random source (so <c>new MLContext(seed)</c> fixes it).</summary>
    public int? Seed { get; set; }

    /// <summary>Intra-op CPU threads of TorchSharp. Null: TorchSharp's default.</summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>
    /// Folder for checkpoints (written atomically every <see cref="CheckpointEverySteps"/> steps and at the end).
    /// When it already holds a checkpoint of the same run configuration, training resumes from the newest one.
    /// </summary>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Steps between checkpoints (when <see cref="CheckpointDirectory"/> is set).</summary>
    public int CheckpointEverySteps { get; set; } = 500;

    /// <summary>Number of newest checkpoints kept in <see cref="CheckpointDirectory"/>.</summary>
    public int CheckpointsToKeep { get; set; } = 2;

    /// <summary>
    /// Largest decoded-image cache kept in memory, in bytes; a larger one is kept in a memory-mapped temporary file.
    /// Null: half of the memory available to the process.
    /// </summary>
    public long? MaxCacheMemoryBytes { get; set; }

    /// <summary>
    /// Weights to start the encoder from (online and target alike; the projector and predictor start fresh). Null:
    /// random initialisation. Reads a ResNet in ONNX (this library's encoders, and ML.NET's
    /// <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> model <c>DnnImageModels/ResNet18Onnx/ResNet18.onnx</c>), a
    /// PyTorch <c>state_dict</c> of a torchvision ResNet (<c>.pt</c>/<c>.pth</c>) or <c>.safetensors</c>. The
    /// architecture, width, stem and block counts come from the file; options that contradict it are an error.
    /// Setting it selects the fine-tuning recipe for every option left unset (see <c>docs/recipes.md</c>).
    /// </summary>
    public string? InitialEncoderPath { get; set; }

    /// <summary>
    /// Wall-clock budget of the training steps. When set, a short calibration measures the step time and the run is
    /// planned to fit the budget (the learning-rate and τ schedules run their full course); Epochs and MaxSteps
    /// still cap it.
    /// </summary>
    public TimeSpan? TimeBudget { get; set; }

    /// <summary>
    /// Optional label column used only to monitor quality: every <see cref="MonitorEverySteps"/> steps a cosine kNN
    /// classifier (k = 200, temperature 0.1) on the online encoder's embeddings of a held-out slice reports its
    /// accuracy in <see cref="ByolProgress.MonitorAccuracy"/> and the log. Labels never reach the BYOL loss.
    /// With <see cref="KeepBestMonitoredEncoder"/> the best encoder seen is the one returned.
    /// </summary>
    public string? MonitorLabelColumnName { get; set; }

    /// <summary>Steps between two kNN monitor evaluations. Null: about ten evaluations over the run.</summary>
    public int? MonitorEverySteps { get; set; }

    /// <summary>
    /// When the monitor runs, return the encoder with the best monitored accuracy (including the starting one) rather
    /// than the last; the log says which was kept. Default true.
    /// </summary>
    public bool KeepBestMonitoredEncoder { get; set; } = true;

    /// <summary>Receives a report after every optimizer step.</summary>
    public IProgress<ByolProgress>? Progress { get; set; }

    /// <summary>Stops training (with <see cref="OperationCanceledException"/>) when cancelled; checked every step.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Whether the small-image stem is used with these options.</summary>
    internal bool UsesSmallImageStem => SmallImageStem ?? ImageSize <= 64;

    /// <summary>The encoder's layout for these options.</summary>
    internal ResNetLayout Layout => new(Architecture, WidthMultiplier, UsesSmallImageStem);
}
