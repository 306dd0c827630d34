using System.Diagnostics;

namespace ByolFashionMnist;

/// <summary>
/// Finds Fashion-MNIST (Debian package <c>dataset-fashion-mnist</c>); installs the package when it is missing and
/// this process may (root with apt-get); otherwise says exactly what to do.
/// </summary>
internal static class DatasetLocator
{
    private const string Package = "dataset-fashion-mnist";

    public static bool TryFind(string folder, out string message)
    {
        if (FashionMnist.IsPresent(folder))
        {
            message = $"Fashion-MNIST found in {folder}.";
            return true;
        }
        if (folder == FashionMnist.DefaultFolder && CanInstall())
        {
            Console.WriteLine($"Fashion-MNIST is not in {folder}; installing the Debian package {Package} ...");
            if (Run("apt-get", $"install -y -qq {Package}") != 0)
                Run("sh", $"-c \"apt-get update -qq && apt-get install -y -qq {Package}\"");
            if (FashionMnist.IsPresent(folder))
            {
                message = $"Fashion-MNIST installed in {folder} (apt package {Package}).";
                return true;
            }
        }
        message = $"Fashion-MNIST was not found in {folder}. Install it with 'sudo apt-get install -y {Package}' (Debian/Ubuntu; this program runs that itself when it runs as root), " +
                  "or download the four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, " +
                  "t10k-labels-idx1-ubyte.gz) into a folder and pass --fashion-mnist <folder>.";
        return false;
    }

    private static bool CanInstall()
        => OperatingSystem.IsLinux() && Environment.UserName == "root" && File.Exists("/usr/bin/apt-get");

    private static int Run(string file, string arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { UseShellExecute = false };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
