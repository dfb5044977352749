#!/usr/bin/env python3
"""Writes the fuzzer's small ONNX seeds (run with /usr/bin/python3; needs python3-onnx).
Small inputs keep one fuzz input (import, convert, write, load, run) at a few milliseconds."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(1)

def init(name, shape):
    return numpy_helper.from_array((rng.standard_normal(shape) * 0.3).astype(np.float32), name)

def save(nodes, inits, name, out_shape, in_shape=(1, 3, 16, 16)):
    graph = helper.make_graph(nodes, name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(in_shape))],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, list(out_shape))], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="edgecnn-fuzz-seeds")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, name + ".onnx")

# conv (pads) -> relu -> maxpool -> averagepool (pads) -> depthwise conv -> global average pool -> flatten -> gemm -> softmax
save([
    helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
    helper.make_node("MaxPool", ["r1"], ["p1"], name="maxpool1", kernel_shape=[2, 2], strides=[2, 2]),
    helper.make_node("AveragePool", ["p1"], ["p2"], name="avgpool1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
    helper.make_node("Conv", ["p2", "w2", "b2"], ["c2"], name="depthwise1", kernel_shape=[3, 3], pads=[1, 1, 1, 1], group=8),
    helper.make_node("Clip", ["c2", "lo", "hi"], ["r2"], name="relu6"),
    helper.make_node("GlobalAveragePool", ["r2"], ["g"], name="gap"),
    helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
    helper.make_node("Gemm", ["f", "w3", "b3"], ["l"], name="fc", transB=1),
    helper.make_node("Softmax", ["l"], ["y"], name="softmax"),
], [init("w1", (8, 3, 3, 3)), init("b1", (8,)), init("w2", (8, 1, 3, 3)), init("b2", (8,)),
    numpy_helper.from_array(np.array(0, np.float32), "lo"), numpy_helper.from_array(np.array(6, np.float32), "hi"),
    init("w3", (5, 8)), init("b3", (5,))], "tiny_conv_pool", (1, 5))

# branches: conv -> sigmoid gate (mul) + residual add -> concat -> resize -> conv 1x1 -> global max pool -> flatten
save([
    helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
    helper.make_node("Sigmoid", ["c1"], ["s"], name="gate"),
    helper.make_node("Mul", ["c1", "s"], ["m"], name="swish"),
    helper.make_node("Add", ["m", "c1"], ["a"], name="residual"),
    helper.make_node("Concat", ["a", "c1"], ["cat"], name="concat", axis=1),
    helper.make_node("Resize", ["cat", "", "scales"], ["up"], name="resize", mode="nearest"),
    helper.make_node("Conv", ["up", "w2", "b2"], ["c2"], name="pointwise", kernel_shape=[1, 1]),
    helper.make_node("GlobalMaxPool", ["c2"], ["g"], name="gmp"),
    helper.make_node("Flatten", ["g"], ["y"], name="flatten"),
], [init("w1", (4, 3, 3, 3)), init("b1", (4,)), numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales"),
    init("w2", (6, 8, 1, 1)), init("b2", (6,))], "tiny_branches", (1, 6))
