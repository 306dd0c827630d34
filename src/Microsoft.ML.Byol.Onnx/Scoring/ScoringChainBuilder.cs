using Microsoft.ML.Byol.Graph;
using Microsoft.ML.Byol.Input;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Scoring;

/// <summary>
/// Builds the chain of ML.NET's own transformers that scores one input format:
/// MLImage → <see cref="PixelChain"/> (ResizeImages, iso crop, centre, as the training cache → ExtractPixels, planar
/// RGB, ×1/255, float) → OnnxTransformer → DropColumns(temporaries); or a float vector → OnnxTransformer (the private ONNX copy's head
/// reshapes it and repeats a grey plane). Saving the chain needs nothing from this project to load again.
/// </summary>
internal sealed class ScoringChainBuilder(
    TransformsCatalog transforms, byte[] encoder, ByolEncoderInfo info, string inputColumnName, string outputColumnName,
    int? gpuDeviceId, bool fallbackToCpu, PrivateModelFolder folder)
{
    public ScoringChain Build(InputFormat format, DataViewSchema inputSchema)
    {
        string suffix = Guid.NewGuid().ToString("N")[..12];
        var estimators = format.IsImage ? ImageEstimators(suffix) : VectorEstimators(format, suffix);
        string pixelColumn = format.IsImage ? PixelColumn(suffix) : inputColumnName;

        IDataView view = new EmptyDataView(inputSchema);
        var transformers = new List<ITransformer>();
        try
        {
            foreach (var estimator in estimators)
            {
                var transformer = estimator.Fit(view);
                transformers.Add(transformer);
                view = transformer.Transform(view);
            }
        }
        catch
        {
            foreach (var transformer in transformers)
            {
                (transformer as IDisposable)?.Dispose();
            }

            throw;
        }

        // For images, the first two transformers (ResizeImages, ExtractPixels) make the pixels the batched path reads.
        var preprocess = format.IsImage ? new TransformerChain<ITransformer>(transformers[0], transformers[1]) : null;
        return new ScoringChain(format, new TransformerChain<ITransformer>(transformers.ToArray()), preprocess, pixelColumn);
    }

    private static string PixelColumn(string suffix) => $"ByolPixels_{suffix}";

    private List<IEstimator<ITransformer>> ImageEstimators(string suffix)
    {
        string resized = $"ByolResized_{suffix}", pixels = PixelColumn(suffix);
        int size = info.ImageSize;
        string model = WriteModel(InputFormat.Image, pixels, suffix);
        var (resize, extract) = PixelChain.Estimators(transforms, pixels, resized, inputColumnName, size, PixelValues.UnitFloats);
        return new List<IEstimator<ITransformer>>
        {
            resize,
            extract,
            Onnx(model, pixels),
            transforms.DropColumns(resized, pixels),
        };
    }

    private List<IEstimator<ITransformer>> VectorEstimators(InputFormat format, string suffix)
    {
        // ONNX cannot name an input and an output alike: when the embedding replaces the pixel column, copy it first.
        bool copy = inputColumnName == outputColumnName;
        string onnxInput = copy ? $"ByolInput_{suffix}" : inputColumnName;
        string model = WriteModel(format, onnxInput, suffix);
        var estimators = new List<IEstimator<ITransformer>>();
        if (copy)
        {
            estimators.Add(transforms.CopyColumns(onnxInput, inputColumnName));
        }

        estimators.Add(Onnx(model, onnxInput));
        if (copy)
        {
            estimators.Add(transforms.DropColumns(onnxInput));
        }

        return estimators;
    }

    private IEstimator<ITransformer> Onnx(string modelPath, string onnxInput) =>
        transforms.ApplyOnnxModel(new[] { outputColumnName }, new[] { onnxInput }, modelPath, gpuDeviceId, fallbackToCpu);

    private string WriteModel(InputFormat format, string onnxInput, string suffix)
    {
        string kind = format.IsImage ? "image" : $"vector{format.Channels}";
        byte[] adapted = EncoderGraphAdapter.Adapt(encoder, info, format, onnxInput, outputColumnName);
        return folder.Write($"encoder-{kind}-{suffix}.onnx", adapted);
    }
}
