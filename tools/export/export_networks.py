#!/usr/bin/python3
"""Export the torchvision networks of issue 12 (random weights, seed 0, opset 13) for the end-to-end check.

    /usr/bin/python3 tools/export/export_networks.py OUT_DIR [--models mobilenet_v3_small,shufflenet_v2_x1_0,convnext_tiny]
    tools/export/check_networks.sh OUT_DIR      # converts each with `edgecnn convert` and prints the agreement

The files are large and are not committed. Random initialization leaves BatchNorm running statistics at
(0, 1), so deep networks without trained weights drift to activations that are all common mode; as in
export_torchvision.py the statistics get plausible values (the folded weights then look like trained
ones). Models without BatchNorm (ConvNeXt) are exported as initialized.
"""
import argparse
import os

import torch
import torchvision


def export(name, out_dir, seed):
    torch.manual_seed(seed)
    model = getattr(torchvision.models, name)(weights=None).eval()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
    path = os.path.join(out_dir, f"{name}.onnx")
    torch.onnx.export(model, torch.randn(1, 3, 224, 224), path, opset_version=13,
                      input_names=["input"], output_names=["logits"], do_constant_folding=True)
    print(f"wrote {path}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out_dir")
    parser.add_argument("--models", default="mobilenet_v3_small,shufflenet_v2_x1_0,convnext_tiny")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    os.makedirs(args.out_dir, exist_ok=True)
    for name in args.models.split(","):
        export(name, args.out_dir, args.seed)


if __name__ == "__main__":
    main()
