using ByolFashionMnist;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace FashionMnistQuality;

/// <summary>Frozen features of both splits → the linear probe (ML.NET, as the main job) and the kNN accuracy.</summary>
internal static class FeatureProbe
{
    public sealed record Scores(double LinearProbe, double Knn);

    public static Scores Evaluate(MLContext ml, float[][] train, FashionMnistSplit trainSplit, float[][] test, FashionMnistSplit testSplit)
    {
        double linear = LinearProbe.Accuracy(ml, View(ml, train, trainSplit), View(ml, test, testSplit), "Features");
        double knn = Knn.Accuracy(train, trainSplit.Labels, test, testSplit.Labels, FashionMnist.ClassNames.Length);
        return new Scores(linear, knn);
    }

    /// <summary>Features and labels as an ML.NET view: Features (known-size vector), Label (text).</summary>
    private static IDataView View(MLContext ml, float[][] features, FashionMnistSplit split)
    {
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features[0].Length);
        var rows = features.Select((f, i) => new FeatureRow { Features = f, Label = split.Rows[i].Label });
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    internal sealed class FeatureRow
    {
        public float[] Features { get; set; } = Array.Empty<float>();
        public string Label { get; set; } = "";
    }
}
