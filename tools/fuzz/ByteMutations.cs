using System.Buffers.Binary;

namespace EdgeCnn.Fuzz;

/// <summary>Format-blind mutations, and the "interesting" values every structure-aware mutator uses.</summary>
public static class ByteMutations
{
    public static readonly uint[] InterestingU32 =
        [0, 1, 2, 3, 4, 7, 8, 16, 63, 64, 127, 128, 255, 256, 1000, 4096, 65535, 65536, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF];

    public static readonly float[] InterestingF32 =
        [0f, -0f, 1f, -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.Epsilon, 1e-38f, 1e-30f, 1e30f, 1e38f, float.MaxValue, -float.MaxValue];

    public static uint U32(Random r) => r.Next(3) == 0 ? (uint)r.NextInt64(0, 1L << 32) : InterestingU32[r.Next(InterestingU32.Length)];

    /// <summary>One generic mutation: bit flip, byte set, 4-byte interesting value, insert, delete, duplicate or truncate.</summary>
    public static byte[] Any(byte[] data, Random r, int start = 0, int end = -1)
    {
        if (end < 0 || end > data.Length) end = data.Length;
        if (data.Length == 0 || start >= end) return [.. data, (byte)r.Next(256)];
        int at = r.Next(start, end);
        var copy = (byte[])data.Clone();
        switch (r.Next(8))
        {
            case 0: copy[at] ^= (byte)(1 << r.Next(8)); return copy;
            case 1: copy[at] = (byte)r.Next(256); return copy;
            case 2:
                if (at + 4 <= copy.Length) BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(at), U32(r));
                return copy;
            case 3:
                if (at + 4 <= copy.Length) BinaryPrimitives.WriteSingleLittleEndian(copy.AsSpan(at), InterestingF32[r.Next(InterestingF32.Length)]);
                return copy;
            case 4: return [.. data.AsSpan(0, at), .. RandomBytes(r, 1 + r.Next(16)), .. data.AsSpan(at)];
            case 5: return [.. data.AsSpan(0, at), .. data.AsSpan(Math.Min(data.Length, at + 1 + r.Next(16)))];
            case 6:
            {
                int length = Math.Min(1 + r.Next(64), data.Length - at);
                return [.. data.AsSpan(0, at), .. data.AsSpan(at, length), .. data.AsSpan(at)];
            }
            default: return data[..at];
        }
    }

    public static byte[] RandomBytes(Random r, int count)
    {
        var bytes = new byte[count];
        r.NextBytes(bytes);
        return bytes;
    }
}
