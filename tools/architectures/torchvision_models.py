#!/usr/bin/python3
"""torchvision models for the README's architectures table (tools/architectures/run.sh).

    torchvision_models.py export OUT_DIR NAME      writes OUT_DIR/NAME.onnx
    torchvision_models.py compare NAME PREFIX      PyTorch on PREFIX.input.f32 against PREFIX.output.f32

Models have random weights (no pretrained weights here) drawn with seed 0, as in issue 12's survey:
torchvision 0.14, ONNX opset 13, input [1, 3, 224, 224], eval mode. `compare` rebuilds the same
weights from the seed, runs PyTorch on exactly the inputs EdgeCnn's float executor saw and prints
the largest difference relative to the largest PyTorch output, over all images.
"""
import sys

import numpy as np
import torch
import torchvision


def build(name):
    torch.manual_seed(0)
    return getattr(torchvision.models, name)(weights=None).eval()


def export(out_dir, name):
    model = build(name)
    torch.onnx.export(model, torch.randn(1, 3, 224, 224), f"{out_dir}/{name}.onnx", opset_version=13,
                      input_names=["input"], output_names=["logits"], do_constant_folding=True)


def compare(name, prefix):
    model = build(name)
    x = np.fromfile(prefix + ".input.f32", dtype=np.float32).reshape(-1, 3, 224, 224)
    ours = np.fromfile(prefix + ".output.f32", dtype=np.float32).reshape(x.shape[0], -1)
    with torch.no_grad():
        theirs = model(torch.from_numpy(x)).reshape(x.shape[0], -1).numpy()
    rel = np.abs(ours - theirs).max() / max(np.abs(theirs).max(), 1e-30)
    top1 = (ours.argmax(1) == theirs.argmax(1)).mean()
    print(f"{rel:.1e} {top1:.3f}")


if __name__ == "__main__":
    torch.set_num_threads(1)
    if len(sys.argv) == 4 and sys.argv[1] == "export":
        export(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
