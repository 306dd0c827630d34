using ByolFashionMnist;

// The main job: BYOL from ML.NET's ImageNet ResNet-18 on Fashion-MNIST (or a folder of images, one sub-folder per class)
// at 64 px within a time budget, export of encoder.onnx and model.zip, then one linear probe (ML.NET multinomial
// logistic regression) on the BYOL embeddings, on the imported encoder with no BYOL step, and on raw pixels.
//   dotnet run -c Release --project samples/ByolFashionMnist -- [--budget-minutes 5] [--images DIR] [--help]
// The fast allocator for CPU training (README, 'Memory and speed on CPU'): run again under jemalloc when it is installed.
if (Microsoft.ML.Byol.ByolFastAllocator.Relaunch(args) is int relaunchedExitCode)
    return relaunchedExitCode;
return SampleCommand.Create(Job.Run).Parse(args).Invoke();
