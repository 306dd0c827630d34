using FashionMnistQuality;

// Fashion-MNIST quality benchmark, all through ML.NET and the public API of this library, on the 60 000 training images
// and the 10 000 test images, every encoder under the same ML.NET linear probe and cosine kNN (k = 200):
//   (a) ML.NET's DnnFeaturizeImage ResNet-18 (ImageNet) at 224 px, through a batched ONNX Runtime path checked equal to it;
//   (b) the same ImageNet ResNet-18 imported with ByolOptions.InitialEncoderPath, no BYOL step, at the training size;
//   (c) BYOL from the ImageNet weights within a time budget;  (d) BYOL from random init within the budget;  raw pixels.
// Writes benchmarks/results/latest.json ("quality") and the curve of (c) and (d) (CSV, PNG).
//   dotnet run -c Release --project benchmarks/FashionMnistQuality -- [--budget-minutes 30] [--only a,b,c,d,raw] [--help]
//   ... -- --encoders my-encoder.onnx [...]   probes exported encoders instead of the parts
// The fast allocator for CPU training (README, 'Memory and speed on CPU'): run again under jemalloc when it is installed.
if (Microsoft.ML.Byol.ByolFastAllocator.Relaunch(args) is int relaunchedExitCode)
    return relaunchedExitCode;
return QualityCommand.Create(s => s.Encoders.Count > 0 ? EncoderProbes.Execute(s) : QualityRun.Execute(s)).Parse(args).Invoke();
