using Microsoft.ML.Byol;
using Microsoft.ML.Byol.Graph;

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

        int channels = layout.StemChannels;
        for (int stage = 0; stage < 4; stage++)
        {
            int planes = layout.StageWidth(stage), outC = planes * layout.Expansion;
            for (int block = 0; block < layout.BlocksPerStage[stage]; block++)
            {
                int stride = block == 0 ? ResNetLayout.StageStride(stage) : 1;
                int inSide = side;
                if (layout.Bottleneck)
                {
                    Conv(channels, planes, 1, 1, 0, inSide);
                    side = Conv(planes, planes, 3, stride, 1, inSide);
                    Conv(planes, outC, 1, 1, 0, side);
                }
                else
                {
                    side = Conv(channels, planes, 3, stride, 1, inSide);
                    Conv(planes, planes, 3, 1, 1, side);
                }

                if (ResNetOnnxBuilder.NeedsDownsample(block, stride, channels, outC))
                {
                    Conv(channels, outC, 1, stride, 0, inSide);
                }

                channels = outC;
            }
        }

        return 2 * macs;
    }
}
