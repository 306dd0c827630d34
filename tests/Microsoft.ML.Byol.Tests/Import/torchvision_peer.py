"""torchvision side of the import tests (Debian's python3-torch 1.13 + python3-torchvision 0.14, /usr/bin/python3).

make:    seeded random torchvision ResNet (weights, BN affine and running stats) -> .pth (torch.save),
         .safetensors (written here by hand from the format's spec: no safetensors module on these machines) and
         optionally ONNX (torch.onnx.export), then its pooled features (fc = Identity, eval mode) for each input.
forward: load a state_dict (.pth or .safetensors) into a torchvision ResNet, report missing/unexpected keys,
         and write its pooled features for each input.
Inputs/outputs are raw little-endian float32 files; --io IN:N,C,H,W:OUT may repeat.
"""
import argparse, json, struct
import numpy as np
import torch
import torchvision

torch.set_num_threads(2)


def build(arch, small):
    model = getattr(torchvision.models, arch)()
    if small:  # this library's small-image stem: 3x3 stride 1, no max-pool
        model.conv1 = torch.nn.Conv2d(3, model.conv1.out_channels, 3, 1, 1, bias=False)
        model.maxpool = torch.nn.Identity()
    return model


def randomise(model, seed):
    torch.manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.Conv2d):
                torch.nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, torch.nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.2)
                m.running_mean.normal_(0.0, 0.2)
                m.running_var.uniform_(0.5, 2.0)
                m.num_batches_tracked.fill_(int(torch.randint(1, 1000, ())))


DTYPES = {torch.float32: "F32", torch.int64: "I64"}
NUMPY = {"F32": np.float32, "I64": np.int64, "F64": np.float64}


def save_safetensors(state, path):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in state.items():
        data = t.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def load_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    body = raw[8 + length:]
    state = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(body[begin:end], dtype=NUMPY[entry["dtype"]]).reshape(entry["shape"])
        state[name] = torch.from_numpy(array.copy())
    return state


def features(model, io):
    model.fc = torch.nn.Identity()
    model.eval()
    with torch.no_grad():
        for spec in io:
            source, shape, target = spec.split(":")
            dims = [int(d) for d in shape.split(",")]
            x = torch.from_numpy(np.fromfile(source, dtype="<f4").reshape(dims))
            model(x).numpy().astype("<f4").tofile(target)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("command", choices=["make", "forward"])
    p.add_argument("--arch", required=True)
    p.add_argument("--small", action="store_true")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--pth")
    p.add_argument("--safetensors")
    p.add_argument("--onnx")
    p.add_argument("--weights")
    p.add_argument("--report")
    p.add_argument("--io", action="append", default=[])
    a = p.parse_args()
    model = build(a.arch, a.small)
    if a.command == "make":
        randomise(model, a.seed)
        state = model.state_dict()
        torch.save(state, a.pth)
        if a.safetensors:
            save_safetensors(state, a.safetensors)
        if a.onnx:  # torch.onnx.export in eval mode (BatchNorm folded into the convolutions by the exporter)
            model.eval()
            torch.onnx.export(model, torch.zeros(1, 3, 64, 64), a.onnx, opset_version=13, input_names=["input"],
                              output_names=["logits"], dynamic_axes={"input": {0: "N", 2: "H", 3: "W"}})
    else:
        state = load_safetensors(a.weights) if a.weights.endswith(".safetensors") else torch.load(a.weights)
        result = model.load_state_dict(state, strict=False)
        with open(a.report, "w") as f:
            json.dump({"missing": list(result.missing_keys), "unexpected": list(result.unexpected_keys)}, f)
    features(model, a.io)


if __name__ == "__main__":
    main()
