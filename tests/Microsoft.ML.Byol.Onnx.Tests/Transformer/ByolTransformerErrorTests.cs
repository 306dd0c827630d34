using Microsoft.ML.Byol.Onnx.Tests.Support;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Microsoft.ML.Byol.Onnx.Tests.Transformer;

public class ByolTransformerErrorTests
{
    private readonly MLContext _ml = new(seed: 1);

    private ByolTransformer CreateTransformer() => ByolTransformer.Create(_ml.Transforms, TestEncoder.Bytes, "Embedding", "Image", null, true);

    private static DataViewSchema Schema(string name, DataViewType type)
    {
        var builder = new DataViewSchema.Builder();
        builder.AddColumn("Other", NumberDataViewType.Single);
        builder.AddColumn(name, type);
        return builder.ToSchema();
    }

    [Fact]
    public void MissingColumn_ThrowsArgumentOutOfRange_NamingIt()
    {
        using var byol = CreateTransformer();
        var schema = Schema("Picture", new ImageDataViewType(32, 32));

        byol.Invoking(b => b.GetOutputSchema(schema)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Image'*");
        byol.Invoking(b => b.Transform(new Scoring.EmptyDataView(schema))).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'Image'*");
    }

    public static TheoryData<DataViewType, string> WrongTypes() => new()
    {
        { TextDataViewType.Instance, "*'Image'*MLImage*" },
        { NumberDataViewType.Single, "*'Image'*MLImage*" },
        { new VectorDataViewType(NumberDataViewType.Double, 3, 32, 32), "*'Image'*Single*" },
        { new VectorDataViewType(NumberDataViewType.Single), "*'Image'*known-size*" },
        { new VectorDataViewType(NumberDataViewType.Single, 3, 28, 28), "*'Image'*[3, 28, 28]*32×32*" },
        { new VectorDataViewType(NumberDataViewType.Single, 2, 32, 32), "*'Image'*[2, 32, 32]*C = 1 or 3*" },
        { new VectorDataViewType(NumberDataViewType.Single, 32, 32, 3), "*'Image'*[32, 32, 3]*" },
        { new VectorDataViewType(NumberDataViewType.Single, 2 * 32 * 32), "*'Image'*[2048]*" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void WrongColumnType_ThrowsArgumentException_NamingColumnAndAcceptedTypes(DataViewType type, string message)
    {
        using var byol = CreateTransformer();

        byol.Invoking(b => b.GetOutputSchema(Schema("Image", type))).Should().ThrowExactly<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void NotAnEncoder_IsRejectedByCreate()
    {
        var act = () => ByolTransformer.Create(_ml.Transforms, new byte[] { 1, 2, 3, 4 }, "Embedding", "Image", null, true);

        act.Should().Throw<InvalidDataException>();
    }

    [Fact]
    public void AfterDispose_UseThrowsObjectDisposed()
    {
        var byol = CreateTransformer();
        byol.Dispose();
        byol.Dispose();

        byol.Invoking(b => b.GetOutputSchema(Schema("Image", new ImageDataViewType(32, 32)))).Should().Throw<ObjectDisposedException>();
        byol.Invoking(b => b.ExportOnnx(new MemoryStream())).Should().Throw<ObjectDisposedException>();
    }
}
