using EdgeCnn.Device.Video;

namespace EdgeCnn.Device.Tests;

public sealed class LatestFrameGrabberTests
{
    /// <summary>A camera the test drives: each Release(n) lets n frames through, numbered 0, 1, 2...</summary>
    private sealed class ScriptedCamera : IFrameSource
    {
        private readonly SemaphoreSlim _allowed = new(0);
        private long _next;
        public int Delivered;
        public Exception? FailNext;
        public volatile bool Disposed;
        public volatile bool Reading;

        public string Description => "scripted camera";
        public void Release(int frames) => _allowed.Release(frames);

        public FrameReadResult ReadFrame(VideoFrame frame, TimeSpan timeout)
        {
            Reading = true;
            if (!_allowed.Wait(timeout)) return FrameReadResult.Timeout;
            if (FailNext is { } e) { FailNext = null; throw e; }
            frame.Prepare(CameraPixelFormat.RGB24, 1, 1, 3, 3)[0] = (byte)_next;
            frame.Sequence = _next++;
            Interlocked.Increment(ref Delivered);
            return FrameReadResult.Frame;
        }

        public void Dispose() => Disposed = true;
    }

    private static void WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the capture thread");
            Thread.Sleep(5);
        }
    }

    [Fact]
    public void Consumer_gets_the_newest_frame_and_never_an_older_one()
    {
        var camera = new ScriptedCamera();
        using var grabber = new LatestFrameGrabber(() => camera);
        grabber.Start();
        var frame = new VideoFrame();

        camera.Release(3);
        WaitUntil(() => grabber.FramesCaptured == 3);
        Assert.True(grabber.TryTakeLatest(ref frame, TimeSpan.FromSeconds(5)));
        Assert.Equal(2, frame.Sequence);           // frames 0 and 1 were superseded, never delivered
        Assert.Equal(2, grabber.FramesDropped);

        Assert.False(grabber.TryTakeLatest(ref frame, TimeSpan.FromMilliseconds(50)));   // nothing newer: no repeat

        camera.Release(1);
        Assert.True(grabber.TryTakeLatest(ref frame, TimeSpan.FromSeconds(5)));
        Assert.Equal(3, frame.Sequence);
        Assert.Equal(3, frame.Data[0]);
    }

    [Fact]
    public void Buffers_rotate_without_allocating_new_frames()
    {
        var camera = new ScriptedCamera();
        using var grabber = new LatestFrameGrabber(() => camera);
        grabber.Start();
        var seen = new HashSet<VideoFrame>(ReferenceEqualityComparer.Instance);
        var frame = new VideoFrame();
        for (int i = 0; i < 20; i++)
        {
            camera.Release(1);
            Assert.True(grabber.TryTakeLatest(ref frame, TimeSpan.FromSeconds(5)));
            seen.Add(frame);
        }
        Assert.InRange(seen.Count, 1, 3);   // the same three buffers, whatever the timing
    }

    [Fact]
    public void Busy_then_unplugged_camera_is_reopened_with_backoff()
    {
        int opens = 0;
        var log = new List<string>();
        ScriptedCamera? current = null;
        using var grabber = new LatestFrameGrabber(() =>
        {
            if (Interlocked.Increment(ref opens) <= 2) throw new CameraException(CameraError.Busy, "camera /dev/video0 is busy");
            current = new ScriptedCamera();
            return current;
        }, message => { lock (log) log.Add(message); })
        {
            InitialBackoff = TimeSpan.FromMilliseconds(10),
            MaxBackoff = TimeSpan.FromMilliseconds(40),
        };
        grabber.Start();
        WaitUntil(() => current is not null);
        var first = current!;
        first.Release(1);
        var frame = new VideoFrame();
        Assert.True(grabber.TryTakeLatest(ref frame, TimeSpan.FromSeconds(5)));

        first.FailNext = new CameraException(CameraError.Disconnected, "camera /dev/video0 stopped delivering frames");
        first.Release(1);
        WaitUntil(() => current != first);
        Assert.True(first.Disposed);
        current!.Release(1);
        Assert.True(grabber.TryTakeLatest(ref frame, TimeSpan.FromSeconds(5)));
        Assert.Equal(3, grabber.Reconnects);
        lock (log)
        {
            Assert.Contains(log, m => m.Contains("busy") && m.Contains("retrying"));
            Assert.Contains(log, m => m.Contains("stopped delivering frames"));
        }
    }

    [Fact]
    public void Unrecoverable_error_reaches_the_consumer()
    {
        using var grabber = new LatestFrameGrabber(() => throw new CameraException(CameraError.UnsupportedFormat, "camera offers only H264"));
        grabber.Start();
        var frame = new VideoFrame();
        var e = Assert.Throws<CameraException>(() => grabber.TryTakeLatest(ref frame, TimeSpan.FromSeconds(5)));
        Assert.Contains("H264", e.Message);
        Assert.True(grabber.HasEnded);
    }

    [Fact]
    public void Dispose_stops_a_capture_thread_that_waits_for_frames()
    {
        var camera = new ScriptedCamera();
        var grabber = new LatestFrameGrabber(() => camera) { StallTimeout = TimeSpan.FromMilliseconds(200) };
        grabber.Start();
        // Dispose while the capture thread is inside ReadFrame, waiting for a frame that never comes.
        WaitUntil(() => camera.Reading);
        var started = DateTime.UtcNow;
        grabber.Dispose();
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));
        Assert.True(camera.Disposed);
    }
}
