#!/usr/bin/python3
"""Writes the small PyTorch models the quantization tests use (run from this folder; torch 1.13,
random weights, seed 0, ONNX opset 13, input [1, 1, 16, 16] so that grayscale images calibrate them).

    /usr/bin/python3 make_numerics_models.py

near_zero_classifier.onnx: torchvision GoogLeNet's initialization (convolution and linear weights
    truncated-normal with std 0.01, BatchNorm at its defaults, the Linear bias left at PyTorch's
    default) on eight conv-BN-ReLU blocks, so that the classifier's input has a range near 1e-8 while
    its bias is near 0.1: the case where GoogLeNet converted to an all-zero int8 output.
segmentation_like.onnx: a per-pixel classifier (5 classes at every one of 16 x 16 pixels) with a
    stride-2 convolution and a transposed convolution back up, default PyTorch initialization.
"""
import torch
from torch import nn


class BasicConv(nn.Sequential):
    def __init__(self, cin, cout, stride=1):
        super().__init__(nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
                         nn.BatchNorm2d(cout, eps=0.001), nn.ReLU())


class NearZeroClassifier(nn.Module):
    def __init__(self):
        super().__init__()
        blocks = [BasicConv(1, 16, stride=2)] + [BasicConv(16, 16) for _ in range(7)]
        self.features = nn.Sequential(*blocks)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(16, 10)
        for m in self.modules():  # as torchvision.models.GoogLeNet._initialize_weights
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.trunc_normal_(m.weight, mean=0.0, std=0.01, a=-2, b=2)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


class SegmentationLike(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 16, 3, stride=2, padding=1), nn.ReLU())
        self.up = nn.Sequential(nn.ConvTranspose2d(16, 8, 2, stride=2), nn.ReLU())
        self.classify = nn.Conv2d(8, 5, 1)

    def forward(self, x):
        return self.classify(self.up(self.down(x)))


def export(model, name):
    torch.manual_seed(0)
    model = model().eval()
    torch.onnx.export(model, torch.rand(1, 1, 16, 16), f"{name}.onnx", opset_version=13,
                      input_names=["input"], output_names=["scores"], do_constant_folding=True)
    print(f"wrote {name}.onnx")


torch.manual_seed(0)
export(NearZeroClassifier, "near_zero_classifier")
export(SegmentationLike, "segmentation_like")
