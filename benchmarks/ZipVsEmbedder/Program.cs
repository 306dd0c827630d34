using ZipVsEmbedder;

// A saved ML.NET zip against ByolEmbedder.EmbedFiles on image files (issues 4 and 12): the zip a user would save
// (LoadImages → the BYOL transformer, input schema Path/Label) reloaded in a fresh MLContext and scored by ML.NET's
// per-row chain, against EmbedFiles of the float32 encoder and, with --int8, of the same encoder exported as Int8
// (calibrated on a sample of the same files); the paths alternate in every round, in one process. Usage:
//   dotnet run -c Release --project benchmarks/ZipVsEmbedder -- [--files photos|fashion-mnist] [--int8] [--rounds 5]
//       [--encoder F.onnx | --weights imagenet|random --arch ResNet18 --width 1 --size 224] [--images N] [--no-write]
// The options (System.CommandLine, ZipVsEmbedderCommand.cs) are listed by --help; an unknown option is an error.
return ZipVsEmbedderCommand.Create(ZipRun.Run).Parse(args).Invoke();
