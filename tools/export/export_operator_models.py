#!/usr/bin/python3
"""Export the small PyTorch test models for the operators of issue 12 (random weights, seed 0, opset 13).

    /usr/bin/python3 tools/export/export_operator_models.py [OUT_DIR]

OUT_DIR defaults to tests/EdgeCnn.Converter.Tests/Data/onnx/operators. Each model takes [1, 3, 32, 32]:
  - hardswish_fc:   MobileNetV3's classifier: Gemm -> Hardswish on [N, C], plus Add / Mul on [N, C]
  - channel_split:  ShuffleNetV2 units: chunk (Slice) on channels, torch.split (Split), channel shuffle
  - convnext_block: ConvNeXt stem / block / downsample: permuted LayerNorm, Linear, GELU (erf), layer scale
  - convnext_block_opset17: the same at opset 17, where LayerNorm is the ONNX LayerNormalization operator
  - l2_normalize:   F.normalize over the channels of a feature map and of the embedding (ReduceL2 + Div)
  - softmax_reshape: Softmax over classes followed by a Reshape of the probabilities
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F


class HardswishFc(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.fc1 = nn.Linear(16, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = F.hardswish(self.conv(x))
        x = torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)
        x = self.fc1(x)
        x = F.hardswish(x) + 0.25 * x
        return self.fc2(x)


def channel_shuffle(x, groups):
    n, c, h, w = x.size()
    x = x.view(n, groups, c // groups, h, w).transpose(1, 2).contiguous()
    return x.view(n, c, h, w)


class ChannelSplit(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.branch = nn.Sequential(nn.Conv2d(8, 8, 1), nn.ReLU(), nn.Conv2d(8, 8, 3, padding=1, groups=8), nn.Conv2d(8, 8, 1), nn.ReLU())
        self.other = nn.Conv2d(6, 6, 1)
        self.head = nn.Linear(16, 10)

    def forward(self, x):
        x = F.relu(self.stem(x))
        a, b = x.chunk(2, dim=1)                      # Slice on channels
        x = channel_shuffle(torch.cat((a, self.branch(b)), dim=1), 2)
        p, q = torch.split(x, [10, 6], dim=1)         # Split on channels
        x = torch.cat((p, F.relu(self.other(q))), dim=1)
        return self.head(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class LayerNorm2d(nn.LayerNorm):
    """torchvision's ConvNeXt LayerNorm2d: LayerNorm over channels through two permutes."""

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class ConvNextBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dw = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(4 * dim, dim)
        self.layer_scale = nn.Parameter(torch.rand(dim, 1, 1) * 0.5 + 0.5)

    def forward(self, x):
        y = self.dw(x).permute(0, 2, 3, 1)
        y = self.fc2(self.act(self.fc1(self.norm(y))))
        return x + self.layer_scale * y.permute(0, 3, 1, 2)


class ConvNextSmall(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 4, stride=4), LayerNorm2d(16, eps=1e-6))
        self.block1 = ConvNextBlock(16)
        self.down = nn.Sequential(LayerNorm2d(16, eps=1e-6), nn.Conv2d(16, 32, 2, stride=2))
        self.block2 = ConvNextBlock(32)
        self.norm = LayerNorm2d(32, eps=1e-6)
        self.head = nn.Linear(32, 10)

    def forward(self, x):
        x = self.block2(self.down(self.block1(self.stem(x))))
        x = self.norm(F.adaptive_avg_pool2d(x, 1))
        return self.head(torch.flatten(x, 1))


class L2Normalize(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(16, 16, 3, stride=2, padding=1)
        self.fc = nn.Linear(16, 24)

    def forward(self, x):
        x = F.normalize(F.relu(self.conv1(x)), dim=1) * 4.0
        x = torch.flatten(F.adaptive_avg_pool2d(F.relu(self.conv2(x)), 1), 1)
        return F.normalize(self.fc(x), dim=1)


class SoftmaxReshape(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.fc = nn.Linear(8, 12)

    def forward(self, x):
        x = torch.flatten(F.adaptive_avg_pool2d(F.relu(self.conv(x)), 1), 1)
        return torch.softmax(self.fc(x), dim=1).reshape(1, 12, 1, 1)


MODELS = {
    "hardswish_fc": (HardswishFc, 13),
    "channel_split": (ChannelSplit, 13),
    "convnext_block": (ConvNextSmall, 13),
    "convnext_block_opset17": (ConvNextSmall, 17),
    "l2_normalize": (L2Normalize, 13),
    "softmax_reshape": (SoftmaxReshape, 13),
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "tests", "EdgeCnn.Converter.Tests", "Data", "onnx", "operators")
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    for name, (build, opset) in MODELS.items():
        torch.manual_seed(0)
        model = build().eval()
        path = os.path.join(out_dir, f"{name}.onnx")
        torch.onnx.export(model, torch.randn(1, 3, 32, 32), path, opset_version=opset,
                          input_names=["input"], output_names=["output"], do_constant_folding=True)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
