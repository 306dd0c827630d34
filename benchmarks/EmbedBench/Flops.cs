using Microsoft.ML.Byol;

namespace EmbedBench;

/// <summary>Floating-point operations of one image through an encoder: 2 × the multiply-adds of its convolutions.</summary>
internal static class Flops
{
    public static double PerImage(ResNetLayout layout, int imageSize)
    {
        double macs = 0;
        int side = imageSize;
        int Conv(int inC, int outC, int kernel, int stride, int pad, int input)
        {
            int output = (input + 2 * pad - kernel) / stride + 1;
            macs += (double)outC * inC * kernel * kernel * output * output;
            return output;
        }

        if (layout.SmallImageStem)
        {
            side = Conv(3, layout.StemChannels, 3, 1, 1, side);
        }
        else
        {
            side = Conv(3, layout.StemChannels, 7, 2, 3, side);
            side = (side + 2 - 3) / 2 + 1; // max-pool 3×3, stride 2, pad 1
        }

        foreach (var block in layout.Blocks)
        {
            int inSide = side;
            foreach (var conv in block.MainBranch)
            {
                side = Conv(conv.InChannels, conv.OutChannels, conv.Kernel, conv.Stride, conv.Padding, side);
            }

            if (block.Shortcut is { } shortcut)
            {
                Conv(shortcut.InChannels, shortcut.OutChannels, shortcut.Kernel, shortcut.Stride, shortcut.Padding, inSide);
            }
        }

        return 2 * macs;
    }
}
