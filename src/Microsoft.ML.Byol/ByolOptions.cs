namespace Microsoft.ML.Byol;

/// <summary>
/// Options of <see cref="ByolEstimator"/>: what to read, which encoder to train, for how long, and how.
/// </summary>
/// <remarks>
/// Optimisation settings left null (learning rate, weight decay, LARS trust coefficient, warm-up, τ, the two views and
/// the fine-tuning settings) are chosen by the recipe from the image size, the data size, the run length and whether
/// <see cref="InitialEncoderPath"/> is set; every chosen value is logged, and setting the option overrides it
/// (<c>docs/recipes.md</c> lists the recipes and the measurements that chose them). Long runs (300 epochs and more)
/// get DeepMind's published presets; shorter runs the settings measured on short CPU runs.
/// </remarks>
public sealed class ByolOptions
{
    private ByolArchitecture? _architecture;
    private float? _widthMultiplier;
    private int? _batchSize;
    private int? _projectorHiddenSize;
    private int? _projectionSize;
    private int? _predictorHiddenSize;

    /// <summary>
    /// Input column: an <c>MLImage</c> column, or a known-size float vector of C×S×S planar pixels (C = 1 or 3,
    /// S = <see cref="ImageSize"/>) with every value in [0, 1]; other values (e.g. bytes in [0, 255], NaN) are an
    /// error naming the row. Images with transparency are seen as ML.NET's <c>MLImage</c> holds them: alpha
    /// premultiplied into the colours, then dropped, so transparent pixels are black (the scoring path sees the same).
    /// </summary>
    public string InputColumnName { get; set; } = "Image";

    /// <summary>Output column: a known-size float vector, the representation y of the online encoder.</summary>
    public string OutputColumnName { get; set; } = "Embedding";

    /// <summary>
    /// ResNet depth of the encoder (default ResNet-50). With <see cref="InitialEncoderPath"/> the file decides it;
    /// setting another value then is an error.
    /// </summary>
    public ByolArchitecture Architecture { get => _architecture ?? ByolArchitecture.ResNet50; set => _architecture = value; }

    /// <summary>
    /// Width multiplier of every convolution (default 1 = torchvision's widths; 0.125 to 0.25 are useful on a CPU).
    /// With <see cref="InitialEncoderPath"/> the file decides it; setting another value then is an error.
    /// </summary>
    public float WidthMultiplier { get => _widthMultiplier ?? 1f; set => _widthMultiplier = value; }

    /// <summary>Side in pixels of the training crops (the views the networks see while training). Images are embedded
    /// at <see cref="EmbeddingImageSize"/>, by default a little larger.</summary>
    public int ImageSize { get; set; } = 224;

    /// <summary>
    /// Side in pixels of the images the trained encoder embeds: the input of the exported ONNX model, and the size
    /// <c>ByolTransformer</c> and <c>ByolEmbedder</c> resize images to (centre crop). Null (default): for image
    /// columns, <see cref="ImageSize"/> × the views' mean crop zoom E[1/√s] over their crop areas s, rounded (1.56 for
    /// the default crops of 8–100 % of the image: 28 → 44, 64 → 100, 224 → 349 px). This is the train–test resolution
    /// discrepancy (Touvron et al., 2019): random resized crops show objects larger than the whole image at the same
    /// size, so an encoder embeds best above its training size (docs/recipes.md has the measurements). For pixel-vector
    /// columns, and for runs with no BYOL step (<see cref="MaxSteps"/> = 0), <see cref="ImageSize"/>; a pixel-vector
    /// column's C×S×S values are the scoring contract, and setting another size is then an error.
    /// </summary>
    public int? EmbeddingImageSize { get; set; }

    /// <summary>
    /// Resolution at which image columns are cached, as a multiple of <see cref="ImageSize"/> (default 1.5, from 1 to
    /// 4): each picture is fitted whole, aspect ratio kept, into a square of side S = round(SourceImageScale ×
    /// ImageSize) and padded, and the random resized crops are drawn from the whole picture (scale and ratio relative
    /// to it, as torchvision's) and scaled down to ImageSize with antialiasing. The cache takes rows × S² × 3 bytes
    /// (logged before the pass): 2.25× the bytes at ImageSize for the default. Float-vector columns are cached as
    /// given (their C×ImageSize×ImageSize is the scoring contract), whatever this is. Scoring is unchanged: a centre
    /// crop of the image resized to <see cref="EmbeddingImageSize"/> (see <c>docs/augmentations.md</c>).
    /// </summary>
    public double SourceImageScale { get; set; } = 1.5;

    /// <summary>The side S of the square image columns are cached in: <see cref="SourceImageScale"/> × <see cref="ImageSize"/>, rounded.</summary>
    internal int SourceImageSide => (int)Math.Round(SourceImageScale * ImageSize, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Use the small-image stem (3×3 stride-1 convolution, no max-pool). Null: automatic, on when <see cref="ImageSize"/>
    /// ≤ 64, or as in the file of <see cref="InitialEncoderPath"/>.
    /// </summary>
    public bool? SmallImageStem { get; set; }

    /// <summary>
    /// Hidden width of the projector g. Unset, it reads 4096 (the paper's) and the recipe decides: the paper's width,
    /// except for short runs from random initialisation, where it is 4 × the encoder's embedding size (at most 4096).
    /// </summary>
    public int ProjectorHiddenSize { get => _projectorHiddenSize ?? Recipes.ByolRecipe.PaperHiddenSize; set => _projectorHiddenSize = value; }

    /// <summary>
    /// Output size of the projector and the predictor. Unset, it reads 256 (the paper's) and the recipe decides: the
    /// paper's size, except for short runs from random initialisation, where it is at most the embedding size.
    /// </summary>
    public int ProjectionSize { get => _projectionSize ?? Recipes.ByolRecipe.PaperProjectionSize; set => _projectionSize = value; }

    /// <summary>Hidden width of the predictor q. Unset, it reads 4096 and the recipe decides, as for <see cref="ProjectorHiddenSize"/>.</summary>
    public int PredictorHiddenSize { get => _predictorHiddenSize ?? Recipes.ByolRecipe.PaperHiddenSize; set => _predictorHiddenSize = value; }

    /// <summary>Number of passes over the training images.</summary>
    public int Epochs { get; set; } = 300;

    /// <summary>
    /// When set, the run has at most this many optimizer steps; the learning-rate and τ schedules (and the warm-up,
    /// as the same fraction of the run) are laid over the shortened run, so it still ends with lr = 0 and τ = 1.
    /// 0 exports the untrained encoder (a baseline).
    /// </summary>
    public long? MaxSteps { get; set; }

    /// <summary>
    /// Images per optimizer step. The last incomplete batch of each epoch is dropped. Unset, it reads 256 and the recipe
    /// decides: 128 for short runs from random initialisation, the paper's 256 otherwise (fine-tuning included); never
    /// more than the largest power of two the data fills (docs/recipes.md).
    /// </summary>
    public int BatchSize { get => _batchSize ?? Recipes.ByolRecipe.DefaultBatchSize; set => _batchSize = value; }

    /// <summary>
    /// Base learning rate; the peak learning rate is BaseLearningRate × BatchSize / 256. Null: the recipe's (the paper's
    /// 0.2 for runs of 1000 epochs and more, 0.3 for 300 epochs and more, 1.0 for shorter runs).
    /// </summary>
    public double? BaseLearningRate { get; set; }

    /// <summary>
    /// LARS weight decay (not applied to biases and normalisation parameters). Null: the recipe's (1.5e-6, or 1e-6
    /// for the 300-epoch preset).
    /// </summary>
    public double? WeightDecay { get; set; }

    /// <summary>
    /// LARS trust coefficient η: adapted parameters move by about lr·η of their norm per step. Null: the recipe's
    /// (the paper's 1e-3 for long runs, which suits its batches of 4096; 0.01 for shorter runs).
    /// </summary>
    public double? TrustCoefficient { get; set; }

    /// <summary>
    /// Epochs of linear learning-rate warm-up from 0, before the cosine decay (the same fraction of a run shortened by
    /// MaxSteps or TimeBudget). Null: the recipe's: 10 epochs, but at most a tenth of the run.
    /// </summary>
    public double? WarmupEpochs { get; set; }

    /// <summary>
    /// Base EMA rate τ of the target network; τ rises to 1 along a cosine over the whole run. Null: the recipe's
    /// (0.996 for runs of 1000 epochs and more, else 0.99).
    /// </summary>
    public double? TauBase { get; set; }

    /// <summary>
    /// Augmentation of the first view (t). Null: the recipe's (<see cref="ByolViewOptions.PaperView1"/>, or
    /// <see cref="ByolViewOptions.SmallImageView1"/> at 64 px and below).
    /// </summary>
    public ByolViewOptions? View1 { get; set; }

    /// <summary>
    /// Augmentation of the second view (t′). Null: the recipe's (<see cref="ByolViewOptions.PaperView2"/>, or
    /// <see cref="ByolViewOptions.SmallImageView2"/> at 64 px and below).
    /// </summary>
    public ByolViewOptions? View2 { get; set; }

    /// <summary>
    /// Learning rate of the encoder relative to the projector and predictor (a smaller value keeps pretrained features
    /// closer to where they started). Null: the recipe's (1; when fine-tuning, 1 up to batch 64 and 64 / BatchSize
    /// above, which keeps a LARS step below 0.25 % of a pretrained weight's norm).
    /// </summary>
    public double? EncoderLearningRateScale { get; set; }

    /// <summary>
    /// Fraction of the run (0 to 1) at its start during which the encoder is frozen and only the projector and
    /// predictor train, so that random heads do not send noise into pretrained features (linear-probing-then-fine-tuning,
    /// Kumar et al. 2022). Null: the recipe's (0 from random initialisation, 0.1 when fine-tuning).
    /// </summary>
    public double? FrozenEncoderFraction { get; set; }

    /// <summary>
    /// Freeze the encoder's BatchNorm layers: they normalise with their running statistics, which stay fixed, and
    /// their affine parameters do not train (torchvision's FrozenBatchNorm2d convention). Null: the recipe's (off from
    /// random initialisation, on when fine-tuning).
    /// </summary>
    public bool? FreezeEncoderBatchNorm { get; set; }

    /// <summary>
    /// Re-estimate the encoder's BatchNorm statistics when training ends, before export: their running means and
    /// variances become the average over un-augmented training images at the embedding side
    /// (<see cref="EmbeddingImageSize"/>), the pictures the exported encoder will score (AdaBN, Li et al. 2016; the
    /// test-size re-fit of FixRes, Touvron et al. 2019). Weights and affine terms are unchanged. Off by default: on
    /// Fashion-MNIST it lowered the linear probe of ImageNet and fine-tuned encoders (−7.8 and −5.0 points) and moved
    /// that of runs from random initialisation by less than its noise (+0.3, −0.4); docs/recipes.md.
    /// </summary>
    public bool RecalibrateEncoderBatchNorm { get; set; }

    /// <summary>Training device: "auto" (CUDA when TorchSharp has it, else CPU), "cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; set; } = "auto";

    /// <summary>Seed of weights, shuffling and augmentations. Null: drawn from the MLContext's random source (so <c>new MLContext(seed)</c> fixes it).</summary>
    public int? Seed { get; set; }

    /// <summary>
    /// Intra-op CPU threads of TorchSharp (process-wide while the run trains). Null: chosen when the run starts, and
    /// logged with the reason (<c>BYOL: 1 CPU thread (...)</c>): one per core that other processes left free (on Linux
    /// the load is sampled from <c>/proc/stat</c> for 0.2 s; a core counts as free when it is at least 75 % idle), at
    /// least one, and at most libtorch's default (one per physical core, or <c>OMP_NUM_THREADS</c>) and the
    /// processors the process may use (<see cref="Environment.ProcessorCount"/>, which follows the affinity mask and a
    /// container's CPU quota). The reason: every parallel region of libtorch waits for its slowest thread, so a thread
    /// that shares its core with a busy process slows all of them; on 2 shared cores, two threads trained at less than
    /// half the speed of one under one busy neighbour (docs/status.md, "Threads under contention"). Set it for runs that
    /// must be reproducible bit for bit from machine to machine or from run to run: the thread count can change the
    /// order of floating-point sums, and the default depends on the load.
    /// </summary>
    public int? NumberOfThreads { get; set; }

    /// <summary>
    /// Folder for checkpoints (written atomically every <see cref="CheckpointEverySteps"/> steps and at the end).
    /// When it already holds a checkpoint of the same run configuration, training resumes from the newest one that
    /// verifies (damaged files are skipped and named in the log; one of another configuration is an error), and
    /// temporary files left by an interrupted checkpoint write are removed.
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
    /// Wall-clock budget of the training steps (monitor evaluations included). When set, a short calibration measures
    /// the step time and the run is planned to fit the budget, and while it trains the run refits its remaining steps
    /// to the budget left at the pace it measures, about ten times; the learning-rate and τ schedules run their full
    /// course either way. Epochs and MaxSteps still cap it. A resumed run finishes the steps its checkpoint planned.
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

    /// <summary>
    /// Largest image decoded, in pixels (width × height; default 100 000 000). A small compressed file can declare a
    /// huge image (a 3 KB PNG can declare 20 000×20 000, 1.6 GB of pixels), so an image over the limit stops
    /// <see cref="ByolEstimator.Fit"/> with an <see cref="InvalidDataException"/> naming the row and the file. When the
    /// input column is the direct output of <c>LoadImages</c>, each file's header is checked before ML.NET decodes it;
    /// for other image columns (in-memory <c>MLImage</c>s, or images transformed after loading) only the decoded
    /// image can be checked, which cannot prevent its allocation. The transformer <see cref="ByolEstimator.Fit"/>
    /// returns keeps the limit.
    /// </summary>
    public long MaxImagePixels { get; set; } = Embedding.ImageLimits.DefaultMaxPixels;

    /// <summary>
    /// Decode JPEG and WebP training files at 1/2, 1/4 or 1/8 of their size (the codec's own reduced decoding: JPEG's
    /// DCT scaling) when the picture's short side stays at least twice the side it is cached at (S =
    /// <see cref="SourceImageScale"/> × <see cref="ImageSize"/>), then fit it into the cache as usual. Camera photos of
    /// several megapixels then decode several times faster, which is most of the time it takes to build the cache of a
    /// folder of photos. Default false: the cache holds the bytes of ML.NET's <c>LoadImages</c> → <c>ResizeImages</c>
    /// chain exactly; when true, the cached pictures differ from those by an area-like reduction before the resize
    /// (docs/augmentations.md gives the measured difference and speed). Applies when the input column is the direct
    /// output of <c>LoadImages</c> (the files are then decoded by this library); PNG and other formats are unaffected.
    /// The transformer <see cref="ByolEstimator.Fit"/> returns scores with ML.NET's chain either way; the embedder's
    /// twin is <c>ByolEmbedderOptions.ReducedSizeDecoding</c>.
    /// </summary>
    public bool ReducedSizeDecoding { get; set; }

    /// <summary>
    /// What to do with a row whose image cannot be used: a missing, empty, truncated or undecodable file, a file over
    /// <see cref="MaxImagePixels"/>, or a row with no image. <see cref="ByolInvalidImageHandling.Throw"/> (default)
    /// stops <see cref="ByolEstimator.Fit"/> naming the row and file; <see cref="ByolInvalidImageHandling.Skip"/> leaves
    /// such rows out of the training cache (and out of the <see cref="MonitorLabelColumnName"/> labels), logs how many
    /// were skipped and names the first few. When every row is unusable, Fit fails either way.
    /// </summary>
    public ByolInvalidImageHandling InvalidImageHandling { get; set; } = ByolInvalidImageHandling.Throw;

    /// <summary>
    /// Receives one report per optimizer step, in step order. The loss and projection std of a step are read from the
    /// device every <see cref="ReportEverySteps"/> steps; the reports of the steps in between are then made together.
    /// </summary>
    public IProgress<ByolProgress>? Progress { get; set; }

    /// <summary>
    /// Steps between two reads of the loss and the projection std from the training device; every read waits for the
    /// device to finish its queued work. The values of each step are kept on the device until then, so every step is
    /// still reported (<see cref="Progress"/>), checked for NaN and seen by the collapse monitor, in order: a
    /// non-finite loss stops the run at most this many steps after it appeared, naming the step where it did.
    /// Checkpoints and monitor evaluations also read. Null: 1 on the CPU (reading costs nothing there), 10 on CUDA
    /// (the host queues the next steps while the GPU works). See <c>docs/gpu.md</c>.
    /// </summary>
    public int? ReportEverySteps { get; set; }

    /// <summary>
    /// On CUDA, let cuDNN convolutions and cuBLAS matrix products use TF32 tensor cores (Ampere and later): float32
    /// inputs rounded to a 10-bit mantissa, float32 accumulation, several times faster. Default true. The switches are
    /// process-wide in libtorch; they are set when training starts on a CUDA device (and logged), never on the CPU.
    /// </summary>
    public bool AllowTf32 { get; set; } = true;

    /// <summary>Stops training (with <see cref="OperationCanceledException"/>) when cancelled; checked every step.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>True when <see cref="Architecture"/> was set (it must then agree with an initial encoder).</summary>
    internal bool ArchitectureIsSet => _architecture is not null;

    /// <summary>True when <see cref="WidthMultiplier"/> was set (it must then agree with an initial encoder).</summary>
    internal bool WidthMultiplierIsSet => _widthMultiplier is not null;

    /// <summary>The batch size set by the caller, or null for the recipe's.</summary>
    internal int? BatchSizeIfSet => _batchSize;

    /// <summary>The head sizes set by the caller (projector hidden, projection, predictor hidden), null where unset.</summary>
    internal (int? ProjectorHidden, int? Projection, int? PredictorHidden) HeadSizesIfSet => (_projectorHiddenSize, _projectionSize, _predictorHiddenSize);

    /// <summary>Whether the small-image stem is used with these options (with no initial encoder).</summary>
    internal bool UsesSmallImageStem => SmallImageStem ?? ImageSize <= 64;

    /// <summary>The encoder's layout for these options, with no initial encoder.</summary>
    internal ResNetLayout Layout => new(Architecture, WidthMultiplier, UsesSmallImageStem);
}
