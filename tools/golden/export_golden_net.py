#!/usr/bin/python3
"""Export the small network behind the golden-output test (tests/EdgeCnn.Runtime.Tests/Golden) to ONNX.

It is not a real classifier: seeded random weights, shaped like the torchvision blocks people bring, so
that one tiny model (48x48 RGB in, 10 classes out) runs every kind of kernel the runtime dispatches per
ISA: a strided 3x3 stem, MobileNetV2 inverted residuals (1x1 GEMM, 3x3 depthwise at stride 1 and 2,
residual Add), an Inception-style branch Concat (1x1, 3x3, max-pool branch), average pooling, global
average pooling and a fully connected classifier.

    /usr/bin/python3 tools/golden/export_golden_net.py OUT.onnx [--seed 2026]

tools/golden/make-golden-model.sh runs this and converts the result; the .ecnn is committed, so the
golden hashes do not move when the converter changes.
"""
import argparse

import torch
from torch import nn


def conv_bn(cin, cout, kernel, stride=1, groups=1, relu=True):
    layers = [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if relu:
        layers.append(nn.ReLU6(inplace=True))
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    """MobileNetV2's block: expand 1x1, depthwise 3x3, project 1x1, residual Add when shapes match."""

    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        self.residual = stride == 1 and cin == cout
        self.body = nn.Sequential(
            conv_bn(cin, hidden, 1),
            conv_bn(hidden, hidden, 3, stride, groups=hidden),
            conv_bn(hidden, cout, 1, relu=False),
        )

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y


class BranchConcat(nn.Module):
    """Inception-style: 1x1, 3x3 and max-pool + 1x1 branches concatenated on channels."""

    def __init__(self, cin):
        super().__init__()
        self.a = conv_bn(cin, 8, 1)
        self.b = nn.Sequential(conv_bn(cin, 8, 1), conv_bn(8, 12, 3))
        self.c = nn.Sequential(nn.MaxPool2d(3, 1, 1), conv_bn(cin, 4, 1))

    def forward(self, x):
        return torch.cat([self.a(x), self.b(x), self.c(x)], dim=1)


class GoldenNet(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.features = nn.Sequential(
            conv_bn(3, 16, 3, stride=2),            # 48 -> 24
            InvertedResidual(16, 16, 1, 4),         # residual Add
            InvertedResidual(16, 24, 2, 4),         # depthwise stride 2: 24 -> 12
            InvertedResidual(24, 24, 1, 3),         # residual Add
            BranchConcat(24),                       # 8 + 12 + 4 = 24 channels
            nn.AvgPool2d(2, 2),                     # 12 -> 6
            InvertedResidual(24, 32, 1, 2),
        )
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(32, classes)

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    model = GoldenNet().eval()
    # Random init leaves BN at (0, 1): give it plausible statistics, as trained networks have.
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    torch.onnx.export(model, torch.randn(1, 3, 48, 48), args.out, opset_version=13,
                      input_names=["input"], output_names=["logits"], do_constant_folding=True)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
