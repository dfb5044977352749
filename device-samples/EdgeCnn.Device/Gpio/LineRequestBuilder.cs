using System.Device.Gpio;
using EdgeCnn.Device.Interop;

namespace EdgeCnn.Device.Gpio;

/// <summary>
/// Builds the gpio_v2_line_request / gpio_v2_line_config for one line: mode -> direction and bias
/// flags, edge flags when events are wanted, and a debounce attribute when a period is set. A mode of
/// null asks for the line "as is" (no direction flag: the kernel leaves direction and value alone).
/// Pure functions, so the encoding is tested without hardware.
/// </summary>
internal static unsafe class LineRequestBuilder
{
    public const string Consumer = "edgecnn";

    public static ulong Flags(PinMode? mode, PinEventTypes edges)
    {
        ulong flags = mode switch
        {
            PinMode.Output => GpioUapi.FLAG_OUTPUT,
            PinMode.Input => GpioUapi.FLAG_INPUT,
            PinMode.InputPullUp => GpioUapi.FLAG_INPUT | GpioUapi.FLAG_BIAS_PULL_UP,
            PinMode.InputPullDown => GpioUapi.FLAG_INPUT | GpioUapi.FLAG_BIAS_PULL_DOWN,
            null => 0,
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown pin mode"),
        };
        if (edges != PinEventTypes.None && mode is PinMode.Output or null)
            throw new ArgumentException("edge events need an input pin", nameof(edges));
        if ((edges & PinEventTypes.Rising) != 0) flags |= GpioUapi.FLAG_EDGE_RISING;
        if ((edges & PinEventTypes.Falling) != 0) flags |= GpioUapi.FLAG_EDGE_FALLING;
        return flags;
    }

    /// <summary>The line config for a single line (the request's line 0, mask bit 0).</summary>
    /// <summary>The mode a line is in, from the flags GPIO_V2_GET_LINEINFO reports.</summary>
    public static PinMode ModeOf(ulong lineInfoFlags) =>
        (lineInfoFlags & GpioUapi.FLAG_OUTPUT) != 0 ? PinMode.Output
        : (lineInfoFlags & GpioUapi.FLAG_BIAS_PULL_UP) != 0 ? PinMode.InputPullUp
        : (lineInfoFlags & GpioUapi.FLAG_BIAS_PULL_DOWN) != 0 ? PinMode.InputPullDown
        : PinMode.Input;

    public static GpioV2LineConfig Config(PinMode? mode, PinEventTypes edges, TimeSpan debounce, PinValue initialOutput)
    {
        GpioV2LineConfig config = default;
        config.flags = Flags(mode, edges);
        uint count = 0;
        if (mode == PinMode.Output)
        {
            ref var attribute = ref config.attrs[(int)count++];
            attribute.attr.id = GpioUapi.ATTR_ID_OUTPUT_VALUES;
            attribute.attr.values = initialOutput == PinValue.High ? 1ul : 0ul;
            attribute.mask = 1;
        }
        if (debounce > TimeSpan.Zero)
        {
            if (mode is PinMode.Output or null) throw new ArgumentException("debounce applies to input pins", nameof(debounce));
            long micros = (long)Math.Ceiling(debounce.TotalMicroseconds);
            if (micros > uint.MaxValue) throw new ArgumentOutOfRangeException(nameof(debounce), debounce, "debounce period too long");
            ref var attribute = ref config.attrs[(int)count++];
            attribute.attr.id = GpioUapi.ATTR_ID_DEBOUNCE;
            attribute.attr.debounce_period_us = (uint)micros;
            attribute.mask = 1;
        }
        config.num_attrs = count;
        return config;
    }

    public static GpioV2LineRequest Request(int line, PinMode? mode, PinEventTypes edges, TimeSpan debounce, PinValue initialOutput)
    {
        GpioV2LineRequest request = default;
        request.offsets[0] = (uint)line;
        request.num_lines = 1;
        request.config = Config(mode, edges, debounce, initialOutput);
        request.event_buffer_size = 0;   // kernel default (16 events per line)
        CString.Write(request.consumer, GpioUapi.MaxNameSize, Consumer);
        return request;
    }
}
