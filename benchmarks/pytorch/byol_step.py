#!/usr/bin/python3
"""PyTorch peer of the Microsoft.ML.Byol training step, for side-by-side speed measurement on the CPU.

It performs, per step, the same tensor work as ByolTrainer (src/Microsoft.ML.Byol/Training/ByolTrainer.cs) with the
default options (views ByolViewOptions.PaperView1 / PaperView2):
  gather a uint8 batch -> float RGB in [0,1] -> two augmented views (random resized crop with flip folded into an
  affine grid + bilinear grid_sample with border padding, colour jitter in a per-image random order as batched 3x3
  colour maps + HSV hue rotation, grayscale, grouped separable Gaussian blur with reflect padding, solarize, ImageNet
  normalisation) -> online encoder+projector on each view, predictor, target encoder+projector under no_grad ->
  symmetric loss -> zero grads, backward -> LARS step -> EMA (lerp_) of the target -> loss.item() and projection std.

Run with Debian's PyTorch:  /usr/bin/python3 benchmarks/pytorch/byol_step.py --arch resnet18 --size 32 --batch 64
Prints one JSON line on stdout.
"""
import argparse
import json
import math
import resource
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

LUMA = (0.2989, 0.5870, 0.1140)
IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
PHASES = ("augment", "forward", "backward", "optimizer", "ema", "other")


# ----------------------------------------------------------------------------------------------- networks

class Block(nn.Module):
    """ResNet v1 block (basic or bottleneck with stride on the 3x3), torchvision layout, as ResidualBlock.cs."""

    def __init__(self, inp, planes, stride, bottleneck):
        super().__init__()
        out = planes * (4 if bottleneck else 1)
        self.bottleneck = bottleneck
        if bottleneck:
            self.conv1 = nn.Conv2d(inp, planes, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
            self.conv3 = nn.Conv2d(planes, out, 1, bias=False)
            self.bn3 = nn.BatchNorm2d(out)
        else:
            self.conv1 = nn.Conv2d(inp, planes, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(planes)
            self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inp != out:
            self.downsample = nn.Sequential(nn.Conv2d(inp, out, 1, stride=stride, bias=False), nn.BatchNorm2d(out))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        if self.bottleneck:
            y = self.bn3(self.conv3(F.relu(y)))
        shortcut = x if self.downsample is None else self.downsample(x)
        return F.relu(y.add_(shortcut))


class ResNet(nn.Module):
    """Encoder f: ResNet v1 with a width multiplier, global-average-pooled output (ResNet.cs)."""

    def __init__(self, arch, width, small_stem):
        super().__init__()
        bottleneck = arch == "resnet50"
        blocks = [2, 2, 2, 2] if arch == "resnet18" else [3, 4, 6, 3]
        scale = lambda c: max(1, int(math.floor(c * width + 0.5)))
        stem = scale(64)
        self.conv1 = (nn.Conv2d(3, stem, 3, stride=1, padding=1, bias=False) if small_stem
                      else nn.Conv2d(3, stem, 7, stride=2, padding=3, bias=False))
        self.bn1 = nn.BatchNorm2d(stem)
        self.maxpool = None if small_stem else nn.MaxPool2d(3, stride=2, padding=1)
        channels = stem
        stages = []
        for stage in range(4):
            planes = scale(64 << stage)
            layer = []
            for b in range(blocks[stage]):
                layer.append(Block(channels, planes, (1 if stage == 0 else 2) if b == 0 else 1, bottleneck))
                channels = planes * (4 if bottleneck else 1)
            stages.append(nn.Sequential(*layer))
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.embedding_size = channels
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        for layer in stages:
            for block in layer:
                nn.init.zeros_((block.bn3 if bottleneck else block.bn2).weight)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        if self.maxpool is not None:
            x = self.maxpool(x)
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return x.mean((2, 3))


def mlp(inp, hidden, out):
    """Projector g / predictor q: Linear -> BatchNorm1d -> ReLU -> Linear (Mlp.cs)."""
    return nn.Sequential(nn.Linear(inp, hidden), nn.BatchNorm1d(hidden), nn.ReLU(), nn.Linear(hidden, out))


def regression(p, z):
    return 2 - 2 * (F.normalize(p, dim=1) * F.normalize(z, dim=1)).sum(1)


# ----------------------------------------------------------------------------------------------- LARS

def lars_parameters(modules):
    """(param, excluded): norm-layer params, anything named bias, and params with < 2 dims skip decay and trust."""
    result, seen = [], set()
    for module in modules:
        for owner in module.modules():
            norm = isinstance(owner, (nn.modules.batchnorm._NormBase, nn.GroupNorm, nn.LayerNorm))
            for name, p in owner.named_parameters(recurse=False):
                if id(p) in seen:
                    continue
                seen.add(id(p))
                result.append((p, norm or name == "bias" or p.dim() < 2))
    return result


class Lars:
    """u = g + wd*p; u *= eta*|p|/|u| (1 when a norm is 0); m = 0.9*m + u; p -= lr*m. Excluded: u = g (Lars.cs)."""

    def __init__(self, params, momentum=0.9, weight_decay=1.5e-6, trust=1e-3):
        self.params = params
        self.momentum, self.weight_decay, self.trust = momentum, weight_decay, trust
        self.buffers = [torch.zeros_like(p) for p, _ in params]

    @torch.no_grad()
    def zero_grad(self):
        for p, _ in self.params:
            if p.grad is not None:
                p.grad.zero_()

    @torch.no_grad()
    def step(self, lr):
        for (p, excluded), m in zip(self.params, self.buffers):
            g = p.grad
            if g is None:
                continue
            m.mul_(self.momentum)
            if excluded:
                m.add_(g)
            else:
                u = g if self.weight_decay == 0 else g.add(p, alpha=self.weight_decay)
                pn, un = p.norm(), u.norm()
                ratio = pn.mul(self.trust).div_(un)
                ok = pn.gt(0).logical_and_(un.gt(0))
                m.addcmul_(u, torch.where(ok, ratio, torch.ones_like(ratio)), value=1.0)
            p.add_(m, alpha=-lr)


# ----------------------------------------------------------------------------------------------- augmentations

class ViewOptions:
    """ByolViewOptions defaults; paper view 1 = blur 1.0, solarize 0; view 2 = blur 0.1, solarize 0.2."""

    def __init__(self, blur, solarize):
        self.crop_scale = (0.08, 1.0)
        self.crop_ratio = (3 / 4, 4 / 3)
        self.flip, self.jitter = 0.5, 0.8
        self.strengths = (0.4, 0.4, 0.2, 0.1)  # brightness (multiplicative), contrast, saturation, hue
        self.gray = 0.2
        self.blur, self.sigma, self.blur_fraction = blur, (0.1, 2.0), 0.1
        self.solarize, self.threshold = solarize, 0.5


def uniform(gen, *shape):
    return torch.rand(*shape, generator=gen).numpy()


def crop_boxes(n, height, width, o, gen):
    """Per image: 10 tries of (area, log-ratio, top, left) draws; the first that fits, else a clipped center crop."""
    u = uniform(gen, n, 10, 4).astype(np.float64)
    area = height * width * (o.crop_scale[0] + (o.crop_scale[1] - o.crop_scale[0]) * u[..., 0])
    lo, hi = math.log(o.crop_ratio[0]), math.log(o.crop_ratio[1])
    ratio = np.exp(lo + (hi - lo) * u[..., 1])
    w = np.round(np.sqrt(area * ratio)).astype(np.int64)
    h = np.round(np.sqrt(area / ratio)).astype(np.int64)
    fits = (w > 0) & (h > 0) & (w <= width) & (h <= height)
    first = fits.argmax(1)
    rows = np.arange(n)
    w, h, u = w[rows, first], h[rows, first], u[rows, first]
    top = np.minimum((u[:, 2] * (height - h + 1)).astype(np.int64), height - h)
    left = np.minimum((u[:, 3] * (width - w + 1)).astype(np.int64), width - w)
    boxes = np.stack([top, left, h, w], 1)
    boxes[~fits.any(1)] = (0, 0, height, width)  # square inputs: the center fallback is the whole image
    return boxes


def resample(images, boxes, flips, size):
    n, c, height, width = images.shape
    theta = np.zeros((n, 2, 3), np.float32)
    top, left, h, w = (boxes[:, k].astype(np.float64) for k in range(4))
    theta[:, 0, 0] = w / width * np.where(flips, -1.0, 1.0)
    theta[:, 0, 2] = (2 * left + w) / width - 1
    theta[:, 1, 1] = h / height
    theta[:, 1, 2] = (2 * top + h) / height - 1
    grid = F.affine_grid(torch.from_numpy(theta), [n, c, size, size], align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="border", align_corners=False)


def subset(images, indices, op):
    """index_select the chosen images, run op on them, index_copy them back (ImageSubset.cs)."""
    if len(indices) == 0:
        return images
    if len(indices) == images.shape[0]:
        return op(images)
    index = torch.as_tensor(indices, dtype=torch.long)
    return images.index_copy(0, index, op(images.index_select(0, index)))


def affine_colour(rgb, matrices, biases, weights):
    n = rgb.shape[0]
    pixels = rgb.reshape(n, 3, -1)
    bias = torch.from_numpy(biases).view(n, 3, 1)
    if np.any(weights != 0):
        mean_luma = torch.tensor(LUMA).view(1, 1, 3).matmul(pixels.mean(2, keepdim=True))
        bias = bias + torch.from_numpy(weights).view(n, 1, 1) * mean_luma
    return torch.from_numpy(matrices).view(n, 3, 3).matmul(pixels).add_(bias).view(rgb.shape)


def rotate_hue(rgb, shift):
    r, g, b = rgb[:, 0:1], rgb[:, 1:2], rgb[:, 2:3]
    value = rgb.amax(1, keepdim=True)
    chroma = value - rgb.amin(1, keepdim=True)
    safe = chroma.clamp_min(1e-12)
    sixths = torch.where(value == r, (g - b) / safe, torch.where(value == g, 2 + (b - r) / safe, 4 + (r - g) / safe))
    k = (sixths.add_(shift * 6) + torch.tensor([5.0, 3.0, 1.0]).view(1, 3, 1, 1)).remainder(6.0)
    return value - chroma * torch.minimum(k, 4 - k).clamp_(0, 1)


def colour_jitter(rgb, o, gen):
    n = rgb.shape[0]
    apply = uniform(gen, n) < o.jitter
    strength = uniform(gen, n, 4)
    order = np.argsort(uniform(gen, n, 4), axis=1, kind="stable")  # order[i, k]: op applied k-th
    amounts = np.empty((n, 4), np.float32)
    for op in range(3):
        s = o.strengths[op]
        amounts[:, op] = max(0.0, 1 - s) + (1 + s - max(0.0, 1 - s)) * strength[:, op]
    amounts[:, 3] = -o.strengths[3] + 2 * o.strengths[3] * strength[:, 3]
    eye = np.eye(3, dtype=np.float32)
    saturation = lambda f: f * eye + (1 - f) * np.array(LUMA, np.float32)[None, :]
    for position in range(4):
        ops = np.where(apply, order[:, position], -1)
        matrices = np.tile(eye.reshape(1, 9), (n, 1))
        weights = np.zeros(n, np.float32)
        for i in np.flatnonzero((ops >= 0) & (ops < 3)):
            f = amounts[i, ops[i]]
            if ops[i] == 2:
                matrices[i] = saturation(f).reshape(9)
            else:
                matrices[i] = (f * eye).reshape(9)
                weights[i] = 1 - f if ops[i] == 1 else 0.0
        if np.any((ops >= 0) & (ops < 3)):
            rgb = affine_colour(rgb, matrices, np.zeros((n, 3), np.float32), weights).clamp_(0, 1)
        hue = np.flatnonzero(ops == 3)
        shift = torch.from_numpy(amounts[hue, 3].copy()).view(-1, 1, 1, 1)
        rgb = subset(rgb, hue, lambda sub: rotate_hue(sub, shift).clamp_(0, 1))
    return rgb


def grayscale(rgb, o, gen):
    chosen = np.flatnonzero(uniform(gen, rgb.shape[0]) < o.gray)
    luma = lambda x: (x[:, 0:1] * LUMA[0] + x[:, 1:2] * LUMA[1] + x[:, 2:3] * LUMA[2]).expand(-1, 3, -1, -1).contiguous()
    return subset(rgb, chosen, luma)


def kernel_size(side, fraction):
    size = int(math.floor(side * fraction))
    size = max(3, size + 1 if size % 2 == 0 else size)
    return min(size, 2 * max(0, side - 1) + 1)


def blur(images, o, gen):
    n = images.shape[0]
    chosen = np.flatnonzero(uniform(gen, n) < o.blur)
    sigmas = o.sigma[0] + (o.sigma[1] - o.sigma[0]) * uniform(gen, n).astype(np.float64)
    size = kernel_size(min(images.shape[2], images.shape[3]), o.blur_fraction)
    radius = size // 2
    x = np.arange(size) - radius

    def run(sub):
        m, c, height, width = sub.shape
        taps = np.exp(-x[None, :] ** 2 / (2 * sigmas[chosen, None] ** 2))
        taps = (taps / taps.sum(1, keepdims=True)).astype(np.float32)
        horizontal = torch.from_numpy(np.repeat(taps, c, axis=0)).view(m * c, 1, 1, size)
        planes = F.pad(sub.reshape(1, m * c, height, width), (radius,) * 4, mode="reflect")
        out = F.conv2d(F.conv2d(planes, horizontal, groups=m * c), horizontal.view(m * c, 1, size, 1), groups=m * c)
        return out.view(m, c, height, width)

    return subset(images, chosen, run)


def solarize(images, o, gen):
    chosen = np.flatnonzero(uniform(gen, images.shape[0]) < o.solarize)
    return subset(images, chosen, lambda sub: torch.where(sub >= o.threshold, 1 - sub, sub))


@torch.no_grad()
def view(images, o, size, gen):
    n, _, height, width = images.shape
    boxes = crop_boxes(n, height, width, o, gen)
    flips = uniform(gen, n) < o.flip
    v = resample(images, boxes, flips, size)
    v = colour_jitter(v, o, gen)
    v = grayscale(v, o, gen)
    v = blur(v, o, gen)
    v = solarize(v, o, gen)
    return (v - torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)) / torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)


# ----------------------------------------------------------------------------------------------- run

def main():
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--arch", default="resnet18", choices=["resnet18", "resnet50"])
    a.add_argument("--width", type=float, default=1.0)
    a.add_argument("--size", type=int, default=32)
    a.add_argument("--batch", type=int, default=64)
    a.add_argument("--steps", type=int, default=20)
    a.add_argument("--warmup", type=int, default=3)
    a.add_argument("--threads", type=int, default=2)
    a.add_argument("--hidden", type=int, default=4096)
    a.add_argument("--projection", type=int, default=256)
    a.add_argument("--small-stem", default="auto", choices=["auto", "true", "false"])
    a.add_argument("--seed", type=int, default=1)
    args = a.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    small = args.size <= 64 if args.small_stem == "auto" else args.small_stem == "true"

    online_encoder = ResNet(args.arch, args.width, small)
    d = online_encoder.embedding_size
    online_projector = mlp(d, args.hidden, args.projection)
    predictor = mlp(args.projection, args.hidden, args.projection)
    target_encoder = ResNet(args.arch, args.width, small)
    target_projector = mlp(d, args.hidden, args.projection)
    target_encoder.load_state_dict(online_encoder.state_dict())
    target_projector.load_state_dict(online_projector.state_dict())
    online_ema = list(online_encoder.parameters()) + list(online_projector.parameters())
    target_ema = list(target_encoder.parameters()) + list(target_projector.parameters())
    for p in target_ema:
        p.requires_grad_(False)
    for m in (online_encoder, online_projector, predictor, target_encoder, target_projector):
        m.train()
    optimizer = Lars(lars_parameters([online_encoder, online_projector, predictor]))

    # Random byte images, twice the batch (as ByolBench), drawn per epoch in a shuffled order.
    pool = torch.randint(0, 256, (2 * args.batch, 3, args.size, args.size), dtype=torch.uint8)
    gen = torch.Generator().manual_seed(args.seed)
    view1, view2 = ViewOptions(blur=1.0, solarize=0.0), ViewOptions(blur=0.1, solarize=0.2)
    total = args.warmup + args.steps
    warm_lr = max(1, round(total * 10 / 1_000_000))  # ByolBench: 10 warm-up epochs of 1 000 000
    peak_lr = 0.2 * args.batch / 256
    per_epoch = pool.shape[0] // args.batch

    phases = dict.fromkeys(PHASES, 0.0)
    permutation = None
    start = None
    for step in range(total):
        if step == args.warmup:
            phases = dict.fromkeys(PHASES, 0.0)
            start = time.perf_counter()
            system_start = resource.getrusage(resource.RUSAGE_SELF).ru_stime
        t0 = time.perf_counter()
        if step % per_epoch == 0:
            permutation = torch.randperm(pool.shape[0], generator=gen)
        lr = peak_lr * step / warm_lr if step < warm_lr else \
            peak_lr * 0.5 * (1 + math.cos(math.pi * (step - warm_lr) / max(1, total - warm_lr)))
        tau = 1 - (1 - 0.996) * (math.cos(math.pi * step / total) + 1) / 2
        k = step % per_epoch
        images = pool.index_select(0, permutation[k * args.batch:(k + 1) * args.batch]).float().div_(255)
        v1 = view(images, view1, args.size, gen)
        v2 = view(images, view2, args.size, gen)
        t1 = time.perf_counter()
        z1 = online_projector(online_encoder(v1))
        z2 = online_projector(online_encoder(v2))
        p1, p2 = predictor(z1), predictor(z2)
        with torch.no_grad():
            y1 = target_projector(target_encoder(v1))
            y2 = target_projector(target_encoder(v2))
        loss = (regression(p1, y2) + regression(p2, y1)).mean()
        t2 = time.perf_counter()
        optimizer.zero_grad()
        loss.backward()
        t3 = time.perf_counter()
        optimizer.step(lr)
        t4 = time.perf_counter()
        with torch.no_grad():
            for o, t in zip(online_ema, target_ema):
                t.lerp_(o, 1 - tau)
        t5 = time.perf_counter()
        value = loss.item()
        with torch.no_grad():
            _ = F.normalize(z1.detach(), dim=1).std(0).mean().item()
        if not math.isfinite(value):
            raise RuntimeError(f"loss {value} at step {step + 1}")
        t6 = time.perf_counter()
        for name, seconds in zip(PHASES, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)):
            phases[name] += seconds
    elapsed = time.perf_counter() - start
    per_step = elapsed / args.steps
    system_per_step = (resource.getrusage(resource.RUSAGE_SELF).ru_stime - system_start) / args.steps
    print(json.dumps({
        "impl": "pytorch", "version": torch.__version__, "arch": args.arch, "width": args.width, "size": args.size,
        "smallStem": small, "batch": args.batch, "steps": args.steps, "warmup": args.warmup, "threads": args.threads,
        "hidden": args.hidden, "projection": args.projection,
        "secondsPerStep": per_step, "pairsPerSecond": args.batch / per_step,
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "phases": {name: seconds / args.steps for name, seconds in phases.items()},
        "finalLoss": value,
        "systemSecondsPerStep": system_per_step, "allocator": allocator(),
    }))


def allocator():
    """The malloc serving this process, from the libraries mapped into it (a preload shows up there)."""
    with open("/proc/self/maps") as maps:
        text = maps.read()
    for name in ("jemalloc", "tcmalloc", "mimalloc"):
        if "/lib" + name in text:
            return name
    return "glibc"


if __name__ == "__main__":
    main()
