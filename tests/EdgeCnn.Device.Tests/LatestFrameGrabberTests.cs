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
    public void With_wait_for_camera_a_busy_then_unplugged_camera_is_reopened_with_backoff()
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
            WaitForCamera = true,
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

    [Theory]
    [InlineData(CameraError.NotFound)]
    [InlineData(CameraError.Busy)]
    [InlineData(CameraError.Disconnected)]
    public void A_camera_that_fails_before_its_first_frame_is_an_error_not_a_retry(CameraError error)
    {
        int opens = 0;
        using var grabber = new LatestFrameGrabber(() =>
        {
            Interlocked.Increment(ref opens);
            throw new CameraException(error, "camera /dev/video9 is not there");
        }) { InitialBackoff = TimeSpan.FromMilliseconds(1) };
        grabber.Start();
        var frame = new VideoFrame();
        var e = Assert.Throws<CameraException>(() => grabber.TryTakeLatest(ref frame, TimeSpan.FromSeconds(5)));
        Assert.Contains("/dev/video9", e.Message);
        Assert.Equal(1, opens);
        Assert.Equal(0, grabber.Reconnects);
    }

    [Fact]
    public void A_camera_that_worked_and_went_away_is_reopened_without_being_asked()
    {
        int opens = 0;
        ScriptedCamera? current = null;
        using var grabber = new LatestFrameGrabber(() =>
        {
            int n = Interlocked.Increment(ref opens);
            if (n == 2) throw new CameraException(CameraError.NotFound, "no camera at /dev/video0");   // still unplugged
            current = new ScriptedCamera();
            return current;
        }) { InitialBackoff = TimeSpan.FromMilliseconds(10) };
        grabber.Start();
        WaitUntil(() => current is not null);
        var first = current!;
        first.Release(1);
        var frame = new VideoFrame();
        Assert.True(grabber.TryTakeLatest(ref frame, TimeSpan.FromSeconds(5)));
        first.FailNext = new CameraException(CameraError.Disconnected, "camera unplugged");
        first.Release(1);
        WaitUntil(() => current != first);
        current!.Release(1);
        Assert.True(grabber.TryTakeLatest(ref frame, TimeSpan.FromSeconds(5)));
        Assert.Equal(3, opens);
        Assert.Equal(2, grabber.Reconnects);
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
        var grabber = new LatestFrameGrabber(() => camera);
        grabber.Start();
        // Dispose while the capture thread is inside ReadFrame, waiting for a frame that never comes:
        // it reads in slices, so it leaves well before the 5 s stall timeout.
        WaitUntil(() => camera.Reading);
        var started = DateTime.UtcNow;
        grabber.Dispose();
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1), $"Dispose took {(DateTime.UtcNow - started).TotalMilliseconds:0} ms");
        WaitUntil(() => camera.Disposed);   // on a busy machine the thread may finish just after Dispose gave up waiting
    }
}
