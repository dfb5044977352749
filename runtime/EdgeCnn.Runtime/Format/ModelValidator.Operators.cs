using System.Buffers.Binary;
using EdgeCnn.Model;

namespace EdgeCnn.Format;

// Graph and per-operator rules (docs/format.md section 5): every input available before use, every
// output produced once, counts per OpSchema, and types and shapes consistent enough that the kernels
// can trust them without checking anything at run time.
public sealed partial class ModelValidator
{
    private void ValidateOperator(int i, bool[] available)
    {
        var op = model.Operators[i];
        string f = $"operator[{i}]";
        if (op is null) throw Fail(f, "null", "the operator is missing");
        if (!OpSchema.TryGet(op.Type, out var schema)) throw Fail(f + ".type", (int)op.Type, "unknown operator type");
        if (op.Inputs is null || op.Outputs is null || op.Ints is null || op.Floats is null)
            throw Fail(f, "null", "input, output and parameter lists must be present");
        ValidateText(op.Name, f + ".name", EcnnLayout.MaxNameBytes);
        string what = $"{op.Type} '{op.Name}'";

        if (op.Inputs.Length < schema.MinInputs || op.Inputs.Length > schema.MaxInputs)
            throw Fail(f + ".inputs.count", op.Inputs.Length, schema.MinInputs == schema.MaxInputs
                ? $"{what} takes {schema.MinInputs} inputs"
                : $"{what} takes {schema.MinInputs} to {schema.MaxInputs} inputs");
        if (op.Outputs.Length != schema.Outputs) throw Fail(f + ".outputs.count", op.Outputs.Length, $"{what} has {schema.Outputs} output(s)");
        if (op.Ints.Length != schema.IntCount) throw Fail(f + ".ints.count", op.Ints.Length, $"{what} takes {schema.IntCount} int parameters");
        if (op.Floats.Length != schema.FloatCount) throw Fail(f + ".floats.count", op.Floats.Length, $"{what} takes {schema.FloatCount} float parameters");
        if (op.ActivationMin is < sbyte.MinValue or > sbyte.MaxValue)
            throw Fail(f + ".activationMin", op.ActivationMin, "the fused clamp lies in [-128, 127]");
        if (op.ActivationMax is < sbyte.MinValue or > sbyte.MaxValue || op.ActivationMax < op.ActivationMin)
            throw Fail(f + ".activationMax", op.ActivationMax, $"the fused clamp lies in [activationMin = {op.ActivationMin}, 127]");

        for (int k = 0; k < op.Inputs.Length; k++)
        {
            int index = RequireTensorIndex(op.Inputs[k], $"{f}.inputs[{k}]");
            if (!available[index])
                throw Fail($"{f}.inputs[{k}]", index,
                    $"tensor {Describe(index)} is neither a graph input, a constant, nor the output of an earlier operator (dangling or cyclic reference)");
        }
        for (int k = 0; k < op.Outputs.Length; k++)
        {
            int index = RequireTensorIndex(op.Outputs[k], $"{f}.outputs[{k}]");
            if (model.Tensors[index].IsConstant) throw Fail($"{f}.outputs[{k}]", index, $"tensor {Describe(index)} is a constant and cannot be written");
            if (available[index]) throw Fail($"{f}.outputs[{k}]", index, $"tensor {Describe(index)} is already a graph input or produced earlier");
        }
        for (int k = 0; k < op.Floats.Length; k++)
            if (!float.IsFinite(op.Floats[k])) throw Fail($"{f}.floats[{k}]", op.Floats[k], "parameters are finite");

        new OperatorCheck(this, i, op).Run();

        foreach (int o in op.Outputs) available[o] = true;
    }

    /// <summary>Type and shape rules of one operator; only runs once indices and counts are known good.</summary>
    private readonly struct OperatorCheck(ModelValidator v, int index, OperatorDef op)
    {
        private string F => $"operator[{index}]";
        private string What => $"{op.Type} '{op.Name}'";

        private TensorDef In(int k) => v.model.Tensors[op.Inputs[k]];
        private TensorDef Out => v.model.Tensors[op.Outputs[0]];
        private int[] X => In(0).Shape;
        private int[] Y => Out.Shape;

        public void Run()
        {
            switch (op.Type)
            {
                case OpType.Conv2D: case OpType.DepthwiseConv2D: case OpType.TransposedConv2D: Convolution(); break;
                case OpType.FullyConnected: FullyConnected(); break;
                case OpType.MaxPool: case OpType.AvgPool: Pool(); break;
                case OpType.GlobalAvgPool: case OpType.GlobalMaxPool: GlobalPool(); break;
                case OpType.Add: case OpType.Mul: Broadcast(); break;
                case OpType.Concat: Concat(); break;
                case OpType.Pad: Pad(); break;
                case OpType.Resize: Resize(); break;
                case OpType.Reshape: Reshape(); break;
                case OpType.ChannelShuffle: ChannelShuffle(); break;
                case OpType.Activation: Activation(); break;
                case OpType.PRelu: PRelu(); break;
                case OpType.Softmax: Softmax(); break;
                case OpType.Quantize: Int8Activation(-1, 0); ValueType(0, ElementType.Float32); SameShapeAsInput(); break;
                case OpType.Dequantize: Int8Activation(0, 0); ValueType(-1, ElementType.Float32); SameShapeAsInput(); break;
                case OpType.Slice: Slice(); break;
                case OpType.LayerNorm: case OpType.L2Norm: ChannelNorm(); break;
                default: throw v.Fail(F + ".type", (int)op.Type, "unknown operator type");
            }
        }

        // Input k (or the output when k is -1): field name and a short description for messages.
        private string Field(int k) => k < 0 ? F + ".outputs[0]" : $"{F}.inputs[{k}]";
        private TensorDef Tensor(int k) => k < 0 ? Out : In(k);
        private int TensorIndex(int k) => k < 0 ? op.Outputs[0] : op.Inputs[k];

        private EcnnFormatException FailTensor(int k, string reason) =>
            v.Fail(Field(k), $"{TensorIndex(k)} {Tensor(k)}", $"{What}: {reason}");

        private EcnnFormatException FailInt(int k, string reason) => v.Fail($"{F}.ints[{k}]", op.Ints[k], $"{What}: {reason}");

        /// <summary>int8 with one scale (an activation or an activation-like constant), rank 4 unless rank is 0 (any).</summary>
        private void Int8Activation(int k, int rank)
        {
            var t = Tensor(k);
            if (t.Type != ElementType.Int8) throw FailTensor(k, "this tensor must be int8");
            if (t.Scales.Length != 1) throw FailTensor(k, "this tensor must have one (per-tensor) scale");
            if (rank > 0 && t.Shape.Length != rank) throw FailTensor(k, $"this tensor must have rank {rank}");
        }

        private void ValueType(int k, ElementType type)
        {
            if (Tensor(k).Type != type) throw FailTensor(k, $"this tensor must be {type}");
        }

        private void Rank(int k, int rank)
        {
            if (Tensor(k).Shape.Length != rank) throw FailTensor(k, $"this tensor must have rank {rank}");
        }

        private void Constant(int k)
        {
            if (!Tensor(k).IsConstant) throw FailTensor(k, "this tensor must be a constant");
        }

        private void ExpectShape(int k, ReadOnlySpan<long> expected)
        {
            var actual = Tensor(k).Shape;
            bool same = actual.Length == expected.Length;
            for (int d = 0; same && d < actual.Length; d++) same = actual[d] == expected[d];
            if (!same) throw FailTensor(k, $"expected shape {Shape(expected)}");
        }

        private void SameShapeAsInput()
        {
            if (!X.AsSpan().SequenceEqual(Y)) throw FailTensor(-1, $"the output must have the input's shape {Shape(X)}");
        }

        private void Positive(int k)
        {
            if (op.Ints[k] < 1) throw FailInt(k, "this parameter must be at least 1");
        }

        private void NonNegative(int k)
        {
            if (op.Ints[k] < 0) throw FailInt(k, "this parameter must not be negative");
        }

        private void OneOf(int k, int count, string meaning)
        {
            if ((uint)op.Ints[k] >= (uint)count) throw FailInt(k, $"{meaning} lies in [0, {count - 1}]");
        }

        /// <summary>Conv and pool output size; throws when the (dilated) kernel does not fit the padded input.</summary>
        private long SlidingOutput(int inputSize, int kernel, int stride, int dilation, int padBefore, int padAfter, string axis)
        {
            long numerator = (long)inputSize + padBefore + padAfter - (long)dilation * (kernel - 1) - 1;
            if (numerator < 0)
                throw FailTensor(0, $"the {axis} kernel ({kernel}, dilation {dilation}) is larger than the padded input ({inputSize} + {padBefore} + {padAfter})");
            return numerator / stride + 1;
        }

        private void Convolution()
        {
            Int8Activation(0, 4);
            ValueType(1, ElementType.Int8);
            Rank(1, 4);
            Constant(1);
            var w = In(1);
            if (w.ZeroPoint != 0) throw FailTensor(1, "weights are symmetric (zero point 0)");
            int channelAxis = op.Type == OpType.DepthwiseConv2D ? 3 : 0;
            if (w.Scales.Length > 1 && w.QuantizedAxis != channelAxis) throw FailTensor(1, $"per-channel weight scales run along axis {channelAxis}");
            ValueType(2, ElementType.Int32);
            Rank(2, 1);
            Constant(2);
            Int8Activation(-1, 4);

            for (int k = 0; k < 4; k++) Positive(k);     // strides, dilations
            for (int k = 4; k < 8; k++) NonNegative(k);  // pads
            Positive(8);                                 // groups or depth multiplier
            var p = op.Conv;
            var x = X; var ws = w.Shape;
            long n = x[0], h = x[1], wd = x[2], c = x[3];
            int kh = ws[1], kw = ws[2];

            long outChannels;
            if (op.Type == OpType.DepthwiseConv2D)
            {
                if (ws[0] != 1) throw FailTensor(1, "depthwise weights are [1, KH, KW, C * multiplier]");
                outChannels = c * p.Groups;
                if (ws[3] != outChannels) throw FailTensor(1, $"depthwise weights need {outChannels} channels (input {c} x multiplier {p.Groups})");
            }
            else
            {
                if (c % p.Groups != 0) throw FailInt(8, $"groups must divide the {c} input channels");
                if (ws[3] != c / p.Groups) throw FailTensor(1, $"weights need I = {c / p.Groups} (input channels / groups)");
                outChannels = ws[0];
                if (outChannels % p.Groups != 0) throw FailInt(8, $"groups must divide the {outChannels} output channels");
            }
            ExpectShape(2, [outChannels]);

            long oh, ow;
            if (op.Type == OpType.TransposedConv2D)
            {
                oh = Y[1]; ow = Y[2];
                TransposedSize(h, kh, p.StrideH, p.DilationH, p.PadTop, p.PadBottom, oh, "height");
                TransposedSize(wd, kw, p.StrideW, p.DilationW, p.PadLeft, p.PadRight, ow, "width");
            }
            else
            {
                oh = SlidingOutput((int)h, kh, p.StrideH, p.DilationH, p.PadTop, p.PadBottom, "height");
                ow = SlidingOutput((int)wd, kw, p.StrideW, p.DilationW, p.PadLeft, p.PadRight, "width");
            }
            ExpectShape(-1, [n, oh, ow, outChannels]);
        }

        /// <summary>Transposed conv: the output size is given; it must be the ONNX size plus an output padding below max(stride, dilation).</summary>
        private void TransposedSize(long input, int kernel, int stride, int dilation, int padBefore, int padAfter, long output, string axis)
        {
            long natural = (input - 1) * stride - padBefore - padAfter + (long)dilation * (kernel - 1) + 1;
            long extra = output - natural;
            if (extra < 0 || extra >= Math.Max(stride, dilation))
                throw FailTensor(-1, $"the output {axis} must be {natural} plus an output padding below {Math.Max(stride, dilation)}");
        }

        private void FullyConnected()
        {
            Int8Activation(0, 0);
            if (X.Length < 2) throw FailTensor(0, "the input must have rank 2 or more ([N, ...])");
            long n = X[0], k = 1;
            for (int d = 1; d < X.Length; d++) k *= X[d]; // bounded by the element count check
            ValueType(1, ElementType.Int8);
            Rank(1, 2);
            Constant(1);
            var w = In(1);
            if (w.ZeroPoint != 0) throw FailTensor(1, "weights are symmetric (zero point 0)");
            if (w.Scales.Length > 1 && w.QuantizedAxis != 0) throw FailTensor(1, "per-channel weight scales run along axis 0");
            long o = w.Shape[0];
            ExpectShape(1, [o, k]);
            ValueType(2, ElementType.Int32);
            Constant(2);
            ExpectShape(2, [o]);
            Int8Activation(-1, 2);
            ExpectShape(-1, [n, o]);
        }

        private void Pool()
        {
            Int8Activation(0, 4);
            Int8Activation(-1, 4);
            for (int k = 0; k < 4; k++) Positive(k);     // kernel, strides
            for (int k = 4; k < 8; k++) NonNegative(k);  // pads
            OneOf(8, 2, "countIncludePad");
            var p = op.Pool;
            // A pad as large as the kernel would make windows made only of padding (an empty max, a division by zero).
            if (p.PadTop >= p.KernelH) throw FailInt(4, "padding must be smaller than the kernel");
            if (p.PadLeft >= p.KernelW) throw FailInt(5, "padding must be smaller than the kernel");
            if (p.PadBottom >= p.KernelH) throw FailInt(6, "padding must be smaller than the kernel");
            if (p.PadRight >= p.KernelW) throw FailInt(7, "padding must be smaller than the kernel");
            long oh = SlidingOutput(X[1], p.KernelH, p.StrideH, 1, p.PadTop, p.PadBottom, "height");
            long ow = SlidingOutput(X[2], p.KernelW, p.StrideW, 1, p.PadLeft, p.PadRight, "width");
            ExpectShape(-1, [X[0], oh, ow, X[3]]);
        }

        private void GlobalPool()
        {
            Int8Activation(0, 4);
            Int8Activation(-1, 4);
            ExpectShape(-1, [X[0], 1, 1, X[3]]);
        }

        /// <summary>Add / Mul: inputs of rank 1 to 4 (feature maps, or [N, C] features) broadcast numpy-style, aligned on the right.</summary>
        private void Broadcast()
        {
            int rank = Y.Length;
            Int8Activation(-1, 0);
            if (rank is < 1 or > 4) throw FailTensor(-1, "the output must have rank 1 to 4");
            Int8Activation(0, 0);
            Int8Activation(1, 0);
            var a = X; var b = In(1).Shape;
            if (a.Length > rank) throw FailTensor(0, $"the input has a higher rank than the output {Shape(Y)}");
            if (b.Length > rank) throw FailTensor(1, $"the input has a higher rank than the output {Shape(Y)}");
            Span<long> expected = stackalloc long[rank];
            for (int d = 0; d < rank; d++)
            {
                long da = d - (rank - a.Length) is var ia && ia >= 0 ? a[ia] : 1;
                long db = d - (rank - b.Length) is var ib && ib >= 0 ? b[ib] : 1;
                if (da != db && da != 1 && db != 1)
                    throw FailTensor(1, $"shapes {Shape(a)} and {Shape(b)} do not broadcast on axis {d}");
                expected[d] = Math.Max(da, db);
            }
            ExpectShape(-1, expected);
        }

        private void Concat()
        {
            Int8Activation(-1, 0);
            int rank = Y.Length;
            if (rank < 1) throw FailTensor(-1, "the output must have rank 1 or more");
            int axis = op.Ints[0];
            if ((uint)axis >= (uint)rank) throw FailInt(0, $"the axis lies in [0, {rank})");
            long sum = 0;
            for (int k = 0; k < op.Inputs.Length; k++)
            {
                Int8Activation(k, rank);
                var s = In(k).Shape;
                for (int d = 0; d < rank; d++)
                    if (d != axis && s[d] != Y[d]) throw FailTensor(k, $"all inputs match the output {Shape(Y)} except on axis {axis}");
                sum += s[axis]; // at most 1024 terms below 2^31
            }
            if (sum != Y[axis]) throw FailTensor(-1, $"axis {axis} of the output must be the sum of the inputs' ({sum})");
        }

        private void Pad()
        {
            Int8Activation(0, 4);
            Int8Activation(-1, 4);
            for (int k = 0; k < 8; k++) NonNegative(k);
            Span<long> expected = stackalloc long[4];
            for (int d = 0; d < 4; d++) expected[d] = (long)X[d] + op.Ints[d] + op.Ints[4 + d];
            ExpectShape(-1, expected);
        }

        private void Resize()
        {
            Int8Activation(0, 4);
            Int8Activation(-1, 4);
            OneOf(0, 2, "the mode");
            OneOf(1, 5, "the coordinate transform");
            OneOf(2, 4, "the nearest rounding");
            if (Y[0] != X[0] || Y[3] != X[3]) throw FailTensor(-1, $"resize keeps N and C of the input {Shape(X)}");
        }

        /// <summary>Reshape: int8 keeps its quantization; float32 (softmax probabilities) stays float32.</summary>
        private void Reshape()
        {
            var x = In(0); var y = Out;
            if (x.Type == ElementType.Float32)
            {
                ValueType(-1, ElementType.Float32);
                if (x.ElementCount != y.ElementCount) throw FailTensor(-1, $"the element count must stay {x.ElementCount}");
                return;
            }
            Int8Activation(0, 0);
            Int8Activation(-1, 0);
            if (x.ElementCount != y.ElementCount) throw FailTensor(-1, $"the element count must stay {x.ElementCount}");
            if (x.Scale != y.Scale || x.ZeroPoint != y.ZeroPoint) throw FailTensor(-1, "reshape keeps the input's scale and zero point");
        }

        private void ChannelShuffle()
        {
            Int8Activation(0, 4);
            Int8Activation(-1, 4);
            Positive(0);
            if (X[3] % op.Ints[0] != 0) throw FailInt(0, $"groups must divide the {X[3]} channels");
            SameShapeAsInput();
        }

        private void Activation()
        {
            Int8Activation(0, 0);
            Int8Activation(-1, 0);
            if (!Enum.IsDefined((ActivationKind)op.Ints[0])) throw FailInt(0, "unknown activation kind");
            SameShapeAsInput();
        }

        private void PRelu()
        {
            Int8Activation(0, 4);
            Int8Activation(-1, 4);
            ValueType(1, ElementType.Float32);
            Constant(1);
            ExpectShape(1, [X[3]]);
            var data = In(1).Data!;
            for (int c = 0; c < X[3]; c++)
                if (!float.IsFinite(BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(4 * c)))) throw FailTensor(1, $"slope[{c}] is not finite");
            SameShapeAsInput();
        }

        /// <summary>Slice: a box of the input (rank 1 to 4, widened to NHWC with leading ones), same rank and quantization.</summary>
        private void Slice()
        {
            Int8Activation(0, 0);
            Int8Activation(-1, 0);
            if (X.Length is < 1 or > 4) throw FailTensor(0, "slice input must have rank 1 to 4");
            if (Y.Length != X.Length) throw FailTensor(-1, $"the output must have the input's rank {X.Length}");
            var x = In(0); var y = Out;
            if (x.Scale != y.Scale || x.ZeroPoint != y.ZeroPoint) throw FailTensor(-1, "slice keeps the input's scale and zero point");
            int pad = 4 - X.Length;
            for (int axis = 0; axis < 4; axis++)
            {
                long inDim = axis < pad ? 1 : X[axis - pad], outDim = axis < pad ? 1 : Y[axis - pad];
                NonNegative(axis);
                if (op.Ints[axis] + outDim > inDim) throw FailInt(axis, $"the box of size {outDim} starting here does not fit in the input's {inDim} on axis {axis}");
            }
        }

        /// <summary>LayerNorm (x, gamma [C], beta [C]) and L2Norm (x) over the last axis; epsilon finite and not negative.</summary>
        private void ChannelNorm()
        {
            Int8Activation(0, 0);
            Int8Activation(-1, 0);
            if (X.Length < 1) throw FailTensor(0, "the input must have rank 1 or more");
            long c = X[^1];
            if (c > Reference.ChannelNormQuantization.MaxChannels)
                throw FailTensor(0, $"at most {Reference.ChannelNormQuantization.MaxChannels} channels are normalized together");
            if (!(op.Floats[0] >= 0f)) throw v.Fail(F + ".floats[0]", op.Floats[0], $"{What}: epsilon must not be negative");
            if (op.Type == OpType.LayerNorm)
                for (int k = 1; k <= 2; k++)
                {
                    ValueType(k, ElementType.Float32);
                    Constant(k);
                    ExpectShape(k, [c]);
                    var data = In(k).Data!;
                    for (int i = 0; i < c; i++)
                        if (!float.IsFinite(BinaryPrimitives.ReadSingleLittleEndian(data.AsSpan(4 * i))))
                            throw FailTensor(k, $"{(k == 1 ? "gamma" : "beta")}[{i}] is not finite");
                }
            SameShapeAsInput();
        }

        private void Softmax()
        {
            Int8Activation(0, 0);
            if (X.Length < 1) throw FailTensor(0, "softmax needs rank 1 or more");
            ValueType(-1, ElementType.Float32);
            OneOf(0, 2, "log");
            if (!(op.Floats[0] > 0f)) throw v.Fail(F + ".floats[0]", op.Floats[0], $"{What}: beta must be positive");
            SameShapeAsInput();
        }
    }
}
