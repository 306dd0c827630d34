// Usage: Microsoft.ML.Byol.ImageFuzzChild <encoder.onnx> <file-list.txt>
// Embeds each file of the list (one path a line) on its own and prints, per file, a tab-separated line:
//   OK <tab> path        or        ERR <tab> exception type <tab> path <tab> message (on one line)
// Exit code 0 when every file was handled (decoded or refused with an exception); a native crash ends the process
// with another code.
using Microsoft.ML.Byol;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Microsoft.ML.Byol.ImageFuzzChild <encoder.onnx> <file-list.txt>");
    return 2;
}

using var embedder = ByolEmbedder.Load(args[0], new ByolEmbedderOptions { BatchSize = 1, IntraOpThreads = 1 });
foreach (string path in File.ReadAllLines(args[1]).Where(line => line.Length > 0))
{
    try
    {
        float[][] embedding = embedder.EmbedFiles(new[] { path });
        Console.WriteLine($"OK\t{path}");
    }
    catch (Exception e)
    {
        Console.WriteLine($"ERR\t{e.GetType().FullName}\t{path}\t{e.Message.ReplaceLineEndings(" ")}");
    }
}

return 0;
