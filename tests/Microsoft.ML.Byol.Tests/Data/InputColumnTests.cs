using Microsoft.ML.Byol.Input;
using Microsoft.ML.Data;

namespace Microsoft.ML.Byol.Tests.Data;

public sealed class InputColumnTests
{
    private sealed class Mixed
    {
        public string Name { get; set; } = "";

        [VectorType(1, 28, 28)]
        public float[] Gray { get; set; } = new float[784];

        [VectorType(768)]
        public float[] Flat { get; set; } = new float[768];

        [VectorType(28, 28)]
        public float[] Plane { get; set; } = new float[784];

        [VectorType(500)]
        public float[] Odd { get; set; } = new float[500];

        [VectorType(28, 28, 3)]
        public float[] Hwc { get; set; } = new float[2352];

        public float[] Variable { get; set; } = new float[3];

        [VectorType(4)]
        public double[] Doubles { get; set; } = new double[4];
    }

    private static readonly MLContext Ml = new(seed: 1);
    private static SchemaShape Shape(DataViewSchema schema) => Support.Schemas.Shape(schema);

    private static IDataView Data() => Ml.Data.LoadFromEnumerable(new[] { new Mixed() });

    [Fact]
    public void DescribesImageColumns()
    {
        var column = InputColumn.Describe(TestImages.View(Ml, new[] { TestImages.Solid(4, 4, 1, 2, 3) }).Schema, "Image");
        column.IsImage.Should().BeTrue();
        column.Channels.Should().Be(3);
    }

    [Theory]
    [InlineData("Gray", 1, 28, 28)]
    [InlineData("Flat", 3, 16, 16)]
    [InlineData("Plane", 1, 28, 28)]
    public void DescribesPixelVectors(string name, int channels, int height, int width)
    {
        var column = InputColumn.Describe(Data().Schema, name);
        column.IsImage.Should().BeFalse();
        (column.Channels, column.Height, column.Width).Should().Be((channels, height, width));
    }

    [Theory]
    [InlineData(784, 1, 28)]
    [InlineData(2352, 3, 28)]
    [InlineData(3, 3, 1)]
    [InlineData(1, 1, 1)]
    public void FlatSizesAreUnambiguous(int size, int channels, int side)
    {
        InputColumn.TryShape(new[] { size }, out int c, out int h, out int w).Should().BeTrue();
        (c, h, w).Should().Be((channels, side, side));
    }

    [Theory]
    [InlineData("Name", "String")]
    [InlineData("Variable", "variable-size vector of Single")]
    [InlineData("Doubles", "Double")]
    [InlineData("Odd", "[500]")]
    [InlineData("Hwc", "[28, 28, 3]")]
    public void WrongTypesNameTheColumnAndWhatWasFound(string name, string found)
    {
        var act = () => InputColumn.Describe(Data().Schema, name);
        act.Should().Throw<ArgumentException>()
            .Where(e => e.Message.Contains($"'{name}'") && e.Message.Contains(found) && e.Message.Contains("MLImage") && e.Message.Contains("Single"));
    }

    [Fact]
    public void MissingColumnNamesTheColumn()
    {
        var act = () => InputColumn.Describe(Data().Schema, "Picture");
        act.Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.Message.Contains("'Picture'") && e.Message.Contains("not found") && e.Message.Contains("'Gray'"));
    }

    [Fact]
    public void SchemaShapeCheckAcceptsImagesAndFixedFloatVectors()
    {
        var shape = Shape(Data().Schema);
        InputColumn.Check(shape, "Gray");
        InputColumn.Check(shape, "Flat");
        InputColumn.Check(Shape(TestImages.View(Ml, new[] { TestImages.Solid(4, 4, 1, 2, 3) }).Schema), "Image");
    }

    [Theory]
    [InlineData("Name", "String")]
    [InlineData("Variable", "variable-size vector of Single")]
    [InlineData("Doubles", "known-size vector of Double")]
    public void SchemaShapeCheckRejectsOtherTypes(string name, string found)
    {
        var act = () => InputColumn.Check(Shape(Data().Schema), name);
        act.Should().Throw<ArgumentException>().Where(e => e.Message.Contains($"'{name}'") && e.Message.Contains(found));
    }

    [Fact]
    public void SchemaShapeCheckNamesAMissingColumn()
    {
        var act = () => InputColumn.Check(Shape(Data().Schema), "Picture");
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.Message.Contains("'Picture'"));
    }
}
