using System.Device.I2c;

namespace EdgeCnn.Device.Tests;

/// <summary>An I2C device with nothing on the wire: it keeps every write, in order, for the test to decode.</summary>
internal sealed class RecordingI2cDevice(int bus, int address) : I2cDevice
{
    public List<byte[]> Writes { get; } = new();
    public bool Disposed { get; private set; }

    public override I2cConnectionSettings ConnectionSettings { get; } = new(bus, address);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(Disposed, this);
        Writes.Add(buffer.ToArray());
    }

    public override void Read(Span<byte> buffer) => buffer.Clear();

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        readBuffer.Clear();
    }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
