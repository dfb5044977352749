using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using EdgeCnn.Reference;

namespace EdgeCnn.Kernels.Gemm;

/// <summary>
/// Where the GEMM reads row m of its left operand (K int8 values): a plain matrix (fully connected,
/// 1x1 convolution with stride 1), a strided pixel (1x1 convolution with stride, no padding), or an
/// im2col row gathered into scratch memory (any other convolution; padding is filled with the input
/// zero point, which the zero-point fold turns into a zero contribution, as the reference requires).
/// A grouped convolution runs one GEMM per group, whose rows see only the group's slice of each pixel's
/// channels (InC / Groups values starting at group * InC / Groups).
/// </summary>
internal readonly unsafe struct GemmRows
{
    private readonly sbyte* _input;
    private readonly int _rowStride;
    private readonly bool _isMatrix, _isDirect;
    private readonly ConvGeometry _g;
    private readonly sbyte _zeroPoint;
    private readonly int _sliceChannels;
    // Row m of these rows is row m + _firstRow of the convolution (a band of output pixels).
    private readonly int _firstRow;

    private GemmRows(sbyte* input, int rowStride, bool isMatrix, bool isDirect, ConvGeometry g, int zeroPoint, int sliceChannels, int firstRow = 0)
    {
        _firstRow = firstRow;
        _input = input;
        _rowStride = rowStride;
        _isMatrix = isMatrix;
        _isDirect = isDirect;
        _g = g;
        _zeroPoint = (sbyte)zeroPoint;
        _sliceChannels = sliceChannels;
    }

    /// <summary>Row m starts at input + m * rowStride.</summary>
    public static GemmRows Matrix(sbyte* input, int rowStride) => new(input, rowStride, true, false, default, 0, 0);

    /// <summary>
    /// Rows are output pixels of a convolution; K = KernelH * KernelW * InC / Groups (OHWI order), reading
    /// the channels of <paramref name="group"/>.
    /// </summary>
    public static GemmRows Convolution(sbyte* input, in ConvGeometry g, int inZp, int group = 0)
    {
        int slice = g.InCPerGroup;
        bool direct = g.KernelH == 1 && g.KernelW == 1 && g.PadTop == 0 && g.PadLeft == 0
            && (long)(g.OutH - 1) * g.StrideH < g.InH && (long)(g.OutW - 1) * g.StrideW < g.InW;
        bool matrix = direct && g.StrideH == 1 && g.StrideW == 1 && g.OutH == g.InH && g.OutW == g.InW;
        return new GemmRows(input + (nint)group * slice, g.InC, matrix, direct, g, inZp, slice);
    }

    /// <summary>
    /// The rows from <paramref name="first"/> on, numbered from 0: a GEMM over them computes a band of
    /// output pixels. A matrix moves its base; the others add the offset before they find the pixel.
    /// </summary>
    public GemmRows From(int first) => _isMatrix
        ? new(_input + (nint)first * _rowStride, _rowStride, true, false, _g, _zeroPoint, _sliceChannels)
        : new(_input, _rowStride, false, _isDirect, _g, _zeroPoint, _sliceChannels, _firstRow + first);

    /// <summary>Whether rows need the per-worker im2col scratch (MR * K bytes).</summary>
    public bool NeedsScratch => !_isMatrix && !_isDirect;

    /// <summary>
    /// Bytes of one window row of an im2col row (KernelW * the channels read), when its K values are
    /// KernelH such rows, each contiguous in the NHWC input wherever the window lies inside it; 0 for the
    /// other kinds of rows (a matrix, a strided pixel, dilation, a group's slice of the channels).
    /// </summary>
    public int WindowRowBytes => _isMatrix || _isDirect || _g.DilationW != 1 || _sliceChannels != _g.InC ? 0 : _g.KernelW * _sliceChannels;

    /// <summary>KernelH: the window rows of an im2col row.</summary>
    public int WindowRows => _g.KernelH;

    /// <summary>
    /// When row m's whole window lies inside the input, points windowRows[kh] at window row kh in the
    /// input itself (<see cref="WindowRowBytes"/> contiguous bytes each) and returns true, so a packer can
    /// read the row without the im2col copy; false at the borders, where <see cref="Row"/> copies and pads.
    /// </summary>
    public bool TryWindowRows(int m, sbyte** windowRows)
    {
        var (n, oh, ow) = Pixel(m);
        int iw0 = ow * _g.StrideW - _g.PadLeft, ih0 = oh * _g.StrideH - _g.PadTop;
        if (iw0 < 0 || iw0 + _g.KernelW > _g.InW || ih0 < 0 || ih0 + (_g.KernelH - 1) * _g.DilationH >= _g.InH) return false;
        for (int kh = 0; kh < _g.KernelH; kh++)
            windowRows[kh] = _input + (((nint)n * _g.InH + ih0 + kh * _g.DilationH) * _g.InW + iw0) * _g.InC;
        return true;
    }

    /// <summary>Image, output row and output column of row m.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private (int N, int Oh, int Ow) Pixel(int m)
    {
        m += _firstRow;
        int pixels = _g.OutH * _g.OutW;
        int n = m / pixels, rem = m - n * pixels;
        int oh = rem / _g.OutW;
        return (n, oh, rem - oh * _g.OutW);
    }

    /// <summary>Pointer to the K values of row m; <paramref name="scratch"/> holds K bytes when an im2col copy is needed.</summary>
    public sbyte* Row(int m, sbyte* scratch)
    {
        if (_isMatrix) return _input + (nint)m * _rowStride;
        var (n, oh, ow) = Pixel(m);
        int c = _g.InC;
        if (_isDirect)
            return _input + (((nint)n * _g.InH + oh * _g.StrideH) * _g.InW + ow * _g.StrideW) * c;

        sbyte* dst = scratch;
        int slice = _sliceChannels;
        int rowBytes = _g.KernelW * slice;
        for (int kh = 0; kh < _g.KernelH; kh++, dst += rowBytes)
        {
            int ih = oh * _g.StrideH - _g.PadTop + kh * _g.DilationH;
            if ((uint)ih >= (uint)_g.InH)
            {
                new Span<sbyte>(dst, rowBytes).Fill(_zeroPoint);
                continue;
            }
            sbyte* inputRow = _input + ((nint)n * _g.InH + ih) * _g.InW * c;
            int iw0 = ow * _g.StrideW - _g.PadLeft;
            if (_g.DilationW == 1 && slice == c && iw0 >= 0 && iw0 + _g.KernelW <= _g.InW)
            {
                // NHWC: the KernelW pixels of this window row are contiguous; one copy.
                Copy(inputRow + (nint)iw0 * c, dst, rowBytes);
                continue;
            }
            for (int kw = 0; kw < _g.KernelW; kw++)
            {
                int iw = iw0 + kw * _g.DilationW;
                if ((uint)iw < (uint)_g.InW)
                    Copy(inputRow + (nint)iw * c, dst + kw * slice, slice);
                else
                    new Span<sbyte>(dst + kw * slice, slice).Fill(_zeroPoint);
            }
        }
        return scratch;
    }

    /// <summary>
    /// Copies <paramref name="count"/> bytes; short copies (a first layer's 3 to 21 bytes per window row)
    /// use two overlapping moves instead of a call, which dominated small-channel im2col.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(sbyte* source, sbyte* destination, int count)
    {
        if (count > 32)
        {
            Buffer.MemoryCopy(source, destination, count, count);
        }
        else if (count >= 16)
        {
            var head = Vector128.Load(source);
            var tail = Vector128.Load(source + count - 16);
            head.Store(destination);
            tail.Store(destination + count - 16);
        }
        else if (count >= 8)
        {
            ulong head = Unsafe.ReadUnaligned<ulong>(source), tail = Unsafe.ReadUnaligned<ulong>(source + count - 8);
            Unsafe.WriteUnaligned(destination, head);
            Unsafe.WriteUnaligned(destination + count - 8, tail);
        }
        else
        {
            for (int i = 0; i < count; i++) destination[i] = source[i];
        }
    }
}
