using System.Buffers.Binary;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Onnx.Proto;

namespace EdgeCnn.Converter.Onnx;

/// <summary>
/// Turns a TensorProto (initializer, Constant attribute, test-data .pb file) into a <see cref="Tensor"/>:
/// floating types to float32, integer and boolean types to int64. Data comes from raw_data
/// (little-endian) or from the typed repeated field ONNX assigns to the type.
/// </summary>
internal static class OnnxTensorDecoder
{
    public static Tensor Decode(TensorProto? proto, string where)
    {
        // A damaged attribute can say "tensor" and carry none (protobuf leaves the field null).
        if (proto is null) throw new ConversionException($"{where}: the tensor is missing (the attribute or initializer holds no TensorProto)");
        string name = proto.Name.Length > 0 ? $"'{proto.Name}'" : "(unnamed)";
        if (proto.DataLocation == TensorProto.Types.DataLocation.External || proto.ExternalData.Count > 0)
            throw new ConversionException(
                $"{where}: tensor {name} keeps its data in an external file; external data is not supported (save the model with all tensors inside the .onnx file)");

        var shape = new int[proto.Dims.Count];
        for (int i = 0; i < shape.Length; i++)
        {
            long d = proto.Dims[i];
            if (d < 0 || d > int.MaxValue)
                throw new ConversionException($"{where}: tensor {name} has invalid dimension {d}");
            shape[i] = (int)d;
        }
        long count;
        try { count = Tensor.ElementCount(shape); }
        catch (OverflowException) { throw new ConversionException($"{where}: tensor {name} shape [{string.Join(",", shape)}] is too large"); }
        if (count > Array.MaxLength)
            throw new ConversionException($"{where}: tensor {name} has {count} elements, more than supported");
        int n = (int)count;

        var type = (TensorElementType)proto.DataType;
        var raw = proto.RawData.Span;
        bool useRaw = !proto.RawData.IsEmpty || (n > 0 && TypedFieldCount(proto, type) == 0);
        if (useRaw)
        {
            int size = ByteSize(type, where, name);
            if ((long)n * size != raw.Length)
                throw new ConversionException(
                    $"{where}: tensor {name} of type {type} and shape [{string.Join(",", shape)}] needs {(long)n * size} bytes of raw data, has {raw.Length}");
        }
        else if (TypedFieldCount(proto, type) != n)
        {
            throw new ConversionException(
                $"{where}: tensor {name} of type {type} and shape [{string.Join(",", shape)}] has {TypedFieldCount(proto, type)} values, needs {n}");
        }

        switch (type)
        {
            case TensorElementType.Float32:
            {
                var data = new float[n];
                if (useRaw) for (int i = 0; i < n; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
                else proto.FloatData.CopyTo(data, 0);
                return new Tensor(shape, data, type);
            }
            case TensorElementType.Float64:
            {
                var data = new float[n];
                for (int i = 0; i < n; i++)
                    data[i] = (float)(useRaw ? BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]) : proto.DoubleData[i]);
                return new Tensor(shape, data, type);
            }
            case TensorElementType.Float16:
            {
                var data = new float[n];
                for (int i = 0; i < n; i++)
                {
                    ushort bits = useRaw ? BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]) : (ushort)proto.Int32Data[i];
                    data[i] = (float)BitConverter.UInt16BitsToHalf(bits);
                }
                return new Tensor(shape, data, type);
            }
            case TensorElementType.Int64:
            {
                var data = new long[n];
                if (useRaw) for (int i = 0; i < n; i++) data[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(8 * i)..]);
                else proto.Int64Data.CopyTo(data, 0);
                return new Tensor(shape, data, type);
            }
            case TensorElementType.Int32 or TensorElementType.Int16 or TensorElementType.Int8 or TensorElementType.UInt16
                or TensorElementType.UInt8 or TensorElementType.Bool:
            {
                var data = new long[n];
                for (int i = 0; i < n; i++)
                {
                    data[i] = !useRaw ? proto.Int32Data[i] : type switch
                    {
                        TensorElementType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]),
                        TensorElementType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(raw[(2 * i)..]),
                        TensorElementType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(raw[(2 * i)..]),
                        TensorElementType.Int8 => (sbyte)raw[i],
                        _ => raw[i],
                    };
                }
                return new Tensor(shape, data, type);
            }
            case TensorElementType.UInt32 or TensorElementType.UInt64:
            {
                var data = new long[n];
                for (int i = 0; i < n; i++)
                    data[i] = !useRaw ? (long)proto.Uint64Data[i]
                        : type == TensorElementType.UInt32 ? BinaryPrimitives.ReadUInt32LittleEndian(raw[(4 * i)..])
                        : (long)BinaryPrimitives.ReadUInt64LittleEndian(raw[(8 * i)..]);
                return new Tensor(shape, data, type);
            }
            default:
                throw new ConversionException($"{where}: tensor {name} has element type {DescribeType(proto.DataType)}, which is not supported");
        }
    }

    public static string DescribeType(int dataType) =>
        Enum.IsDefined(typeof(TensorProto.Types.DataType), dataType)
            ? ((TensorProto.Types.DataType)dataType).ToString()
            : $"code {dataType}";

    private static int TypedFieldCount(TensorProto proto, TensorElementType type) => type switch
    {
        TensorElementType.Float32 => proto.FloatData.Count,
        TensorElementType.Float64 => proto.DoubleData.Count,
        TensorElementType.Int64 => proto.Int64Data.Count,
        TensorElementType.UInt32 or TensorElementType.UInt64 => proto.Uint64Data.Count,
        _ => proto.Int32Data.Count,
    };

    private static int ByteSize(TensorElementType type, string where, string name) => type switch
    {
        TensorElementType.Float32 or TensorElementType.Int32 or TensorElementType.UInt32 => 4,
        TensorElementType.Float64 or TensorElementType.Int64 or TensorElementType.UInt64 => 8,
        TensorElementType.Float16 or TensorElementType.Int16 or TensorElementType.UInt16 => 2,
        TensorElementType.Int8 or TensorElementType.UInt8 or TensorElementType.Bool => 1,
        _ => throw new ConversionException($"{where}: tensor {name} has element type {DescribeType((int)type)}, which is not supported"),
    };
}
