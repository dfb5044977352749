using EdgeCnn.Device.Conversion;
using EdgeCnn.Device.Video;

namespace EdgeCnn.Device.Tests;

/// <summary>Builds camera frames in every supported layout from one set of Y, U, V planes (4:2:0 chroma).</summary>
internal sealed class FrameSamples
{
    public readonly int Width, Height;
    public readonly byte[] Y, U, V;   // Y: W x H; U, V: ceil(W/2) x ceil(H/2)

    public FrameSamples(int width, int height, int seed)
    {
        Width = width;
        Height = height;
        var random = new Random(seed);
        Y = new byte[width * height];
        U = new byte[ChromaWidth * ChromaHeight];
        V = new byte[ChromaWidth * ChromaHeight];
        random.NextBytes(Y); random.NextBytes(U); random.NextBytes(V);
    }

    public int ChromaWidth => (Width + 1) / 2;
    public int ChromaHeight => (Height + 1) / 2;

    public VideoFrame I420(int stride)
    {
        int chromaStride = (stride + 1) / 2;
        var frame = new VideoFrame();
        var data = frame.Prepare(CameraPixelFormat.YUV420, Width, Height, stride, CameraPixelFormats.FrameBytes(CameraPixelFormat.YUV420, Width, Height, stride));
        int uPlane = stride * Height, vPlane = uPlane + chromaStride * ChromaHeight;
        for (int y = 0; y < Height; y++) Y.AsSpan(y * Width, Width).CopyTo(data[(y * stride)..]);
        for (int y = 0; y < ChromaHeight; y++)
        {
            U.AsSpan(y * ChromaWidth, ChromaWidth).CopyTo(data[(uPlane + y * chromaStride)..]);
            V.AsSpan(y * ChromaWidth, ChromaWidth).CopyTo(data[(vPlane + y * chromaStride)..]);
        }
        return frame;
    }

    public VideoFrame Nv12(int stride)
    {
        var frame = new VideoFrame();
        var data = frame.Prepare(CameraPixelFormat.NV12, Width, Height, stride, CameraPixelFormats.FrameBytes(CameraPixelFormat.NV12, Width, Height, stride));
        for (int y = 0; y < Height; y++) Y.AsSpan(y * Width, Width).CopyTo(data[(y * stride)..]);
        for (int y = 0; y < ChromaHeight; y++)
        for (int x = 0; x < ChromaWidth; x++)
        {
            data[stride * Height + y * stride + 2 * x] = U[y * ChromaWidth + x];
            data[stride * Height + y * stride + 2 * x + 1] = V[y * ChromaWidth + x];
        }
        return frame;
    }

    /// <summary>YUYV with the 4:2:0 chroma repeated on both rows of each pair (so all layouts hold the same image).</summary>
    public VideoFrame Yuyv(int stride)
    {
        var frame = new VideoFrame();
        var data = frame.Prepare(CameraPixelFormat.YUYV, Width, Height, stride, stride * Height);
        for (int y = 0; y < Height; y++)
        for (int x = 0; x < Width; x++)
        {
            data[y * stride + 2 * x] = Y[y * Width + x];
            data[y * stride + 4 * (x / 2) + 1] = U[(y / 2) * ChromaWidth + x / 2];
            data[y * stride + 4 * (x / 2) + 3] = V[(y / 2) * ChromaWidth + x / 2];
        }
        return frame;
    }

    /// <summary>The same image converted pixel by pixel with the scalar specification, as RGB24.</summary>
    public VideoFrame Rgb()
    {
        var frame = new VideoFrame();
        var data = frame.Prepare(CameraPixelFormat.RGB24, Width, Height, Width * 3, Width * Height * 3);
        for (int y = 0; y < Height; y++)
        for (int x = 0; x < Width; x++)
        {
            int c = (y / 2) * ChromaWidth + x / 2;
            YuvToRgb.Pixel(Y[y * Width + x], U[c], V[c], out data[3 * (y * Width + x)], out data[3 * (y * Width + x) + 1], out data[3 * (y * Width + x) + 2]);
        }
        return frame;
    }
}
