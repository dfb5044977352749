using System.Device.Gpio;

namespace EdgeCnn.Device.Gpio;

/// <summary>
/// The event <see cref="KernelGpioDriver"/> passes to pin callbacks: System.Device.Gpio's event args plus
/// what the kernel recorded with the edge. A callback that wants the timestamp casts to this type.
/// </summary>
public sealed class KernelPinValueChangedEventArgs(PinEventTypes changeType, int pinNumber, ulong timestampNs, uint lineSequence)
    : PinValueChangedEventArgs(changeType, pinNumber)
{
    /// <summary>When the kernel saw the edge (CLOCK_MONOTONIC, nanoseconds), before any thread woke up.</summary>
    public ulong TimestampNs { get; } = timestampNs;

    /// <summary>The kernel's running count of events on this line; a gap means the event buffer overflowed.</summary>
    public uint LineSequence { get; } = lineSequence;
}
