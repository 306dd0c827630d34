using Microsoft.ML.Byol;

namespace EmbedBench;

/// <summary>Floating-point operations of one image through an encoder: 2 × the multiply-adds of its convolutions.</summary>
internal static class Flops
{
    public static double PerImage(ResNetLayout layout, int imageSize)
    {
        double macs = 0;
        int Conv(ResNetBlock.Convolution c, int input)
        {
            int output = c.OutputSide(input);
            macs += (double)c.OutChannels * c.InChannels * c.Kernel * c.Kernel * output * output;
            return output;
        }

        int side = Conv(layout.StemConvolution, imageSize);
        if (layout.StemPool is { } pool)
        {
            side = pool.OutputSide(side);
        }

        foreach (var block in layout.Blocks)
        {
            int inSide = side;
            foreach (var conv in block.MainBranch)
            {
                side = Conv(conv, side);
            }

            if (block.Shortcut is { } shortcut)
            {
                Conv(shortcut, inSide);
            }
        }

        return 2 * macs;
    }
}
