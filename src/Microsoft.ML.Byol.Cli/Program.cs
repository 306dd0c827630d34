using Microsoft.ML.Byol;
using Microsoft.ML.Byol.Cli;

// Training is much faster under jemalloc (README, "Memory and speed on CPU"): `byol pretrain` starts itself again
// under it when it is installed (BYOL_FAST_ALLOCATOR=0 turns this off). The other commands do not train.
if (args.Length > 0 && args[0] == "pretrain" && ByolFastAllocator.Relaunch(args) is int relaunchedExitCode)
    return relaunchedExitCode;
return await ByolCli.RunAsync(args);
