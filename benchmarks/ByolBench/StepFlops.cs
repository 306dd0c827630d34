using EmbedBench;
using Microsoft.ML.Byol;

namespace ByolBench;

/// <summary>
/// The useful floating-point operations of one BYOL step (2 × multiply-adds): for each of the two views of every image,
/// the online encoder, projector and predictor forward and backward (backward counted as 2 × forward, the usual ×3
/// rule), and the target encoder and projector forward. Augmentation, BatchNorm, LARS and the EMA are not counted.
/// </summary>
internal static class StepFlops
{
    public static double Of(ByolArchitecture architecture, float width, bool smallStem, int size, int batch, int hidden, int projection)
    {
        var layout = new ResNetLayout(architecture, width, smallStem);
        double encoder = Flops.PerImage(layout, size);
        double projector = 2.0 * ((double)layout.EmbeddingSize * hidden + (double)hidden * projection);
        double predictor = 2.0 * ((double)projection * hidden + (double)hidden * projection);
        double perView = 3 * (encoder + projector + predictor) + (encoder + projector);
        return 2.0 * batch * perView;
    }
}
