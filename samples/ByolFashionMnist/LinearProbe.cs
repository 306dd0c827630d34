using Microsoft.ML;

namespace ByolFashionMnist;

/// <summary>Linear evaluation: standardised features → multinomial logistic regression (L-BFGS) → test accuracy.</summary>
internal static class LinearProbe
{
    public static double Accuracy(MLContext ml, IDataView train, IDataView test, string featureColumn)
    {
        var pipeline = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
            .Append(ml.Transforms.NormalizeMeanVariance("Features", featureColumn))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "Features", l2Regularization: 1e-3f, historySize: 30));
        var cachedTrain = ml.Data.Cache(train, "Label", featureColumn);
        var model = pipeline.Fit(cachedTrain);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test), "LabelKey");
        return metrics.MicroAccuracy;
    }
}
