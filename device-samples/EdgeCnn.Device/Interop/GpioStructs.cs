using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace EdgeCnn.Device.Interop;

// The GPIO character device v2 structures of include/uapi/linux/gpio.h. Every 64-bit member is
// __aligned_u64, so the layout is identical on 32- and 64-bit kernels; the ABI probe checks it.

/// <summary>struct gpiochip_info (GPIO_GET_CHIPINFO_IOCTL).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GpioChipInfoStruct
{
    public fixed byte name[32];
    public fixed byte label[32];
    public uint lines;

    public string Name { get { fixed (byte* p = name) return CString.Read(p, 32); } }
    public string Label { get { fixed (byte* p = label) return CString.Read(p, 32); } }
}

/// <summary>struct gpio_v2_line_attribute: an id and a 64-bit union (flags, output values or debounce period).</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct GpioV2LineAttribute
{
    [FieldOffset(0)] public uint id;
    [FieldOffset(4)] public uint padding;
    [FieldOffset(8)] public ulong flags;
    [FieldOffset(8)] public ulong values;
    [FieldOffset(8)] public uint debounce_period_us;
}

/// <summary>struct gpio_v2_line_config_attribute: an attribute and the mask of lines it applies to.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GpioV2LineConfigAttribute
{
    public GpioV2LineAttribute attr;
    public ulong mask;
}

/// <summary>GPIO_V2_LINE_NUM_ATTRS_MAX (10) configuration attributes, inline.</summary>
[InlineArray(GpioUapi.LineNumAttrsMax)]
internal struct GpioV2LineConfigAttributes
{
    private GpioV2LineConfigAttribute _first;
}

/// <summary>GPIO_V2_LINE_NUM_ATTRS_MAX (10) line attributes, inline.</summary>
[InlineArray(GpioUapi.LineNumAttrsMax)]
internal struct GpioV2LineAttributes
{
    private GpioV2LineAttribute _first;
}

/// <summary>struct gpio_v2_line_config.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GpioV2LineConfig
{
    public ulong flags;
    public uint num_attrs;
    public fixed uint padding[5];
    public GpioV2LineConfigAttributes attrs;
}

/// <summary>struct gpio_v2_line_request (GPIO_V2_GET_LINE_IOCTL); the kernel fills fd.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GpioV2LineRequest
{
    public fixed uint offsets[GpioUapi.LinesMax];
    public fixed byte consumer[GpioUapi.MaxNameSize];
    public GpioV2LineConfig config;
    public uint num_lines;
    public uint event_buffer_size;
    public fixed uint padding[5];
    public int fd;
}

/// <summary>struct gpio_v2_line_values (GET/SET_VALUES): bits and the mask of lines they apply to.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GpioV2LineValues
{
    public ulong bits;
    public ulong mask;
}

/// <summary>struct gpio_v2_line_info (GPIO_V2_GET_LINEINFO_IOCTL): used to name the consumer of a busy line.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GpioV2LineInfo
{
    public fixed byte name[GpioUapi.MaxNameSize];
    public fixed byte consumer[GpioUapi.MaxNameSize];
    public uint offset;
    public uint num_attrs;
    public ulong flags;
    public GpioV2LineAttributes attrs;
    public fixed uint padding[4];

    public string Name { get { fixed (byte* p = name) return CString.Read(p, GpioUapi.MaxNameSize); } }
    public string Consumer { get { fixed (byte* p = consumer) return CString.Read(p, GpioUapi.MaxNameSize); } }
}

/// <summary>struct gpio_v2_line_event, read(2) from a line request fd with edge detection enabled.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GpioV2LineEvent
{
    public ulong timestamp_ns;
    public uint id;
    public uint offset;
    public uint seqno;
    public uint line_seqno;
    public fixed uint padding[6];
}

/// <summary>GPIO ioctl request numbers and flag values.</summary>
internal static unsafe class GpioUapi
{
    public const int MaxNameSize = 32;
    public const int LinesMax = 64;
    public const int LineNumAttrsMax = 10;

    public static readonly nuint GPIO_GET_CHIPINFO_IOCTL = Ioctl.IOR((char)0xB4, 0x01, sizeof(GpioChipInfoStruct));
    public static readonly nuint GPIO_V2_GET_LINEINFO_IOCTL = Ioctl.IOWR((char)0xB4, 0x05, sizeof(GpioV2LineInfo));
    public static readonly nuint GPIO_V2_GET_LINE_IOCTL = Ioctl.IOWR((char)0xB4, 0x07, sizeof(GpioV2LineRequest));
    public static readonly nuint GPIO_V2_LINE_SET_CONFIG_IOCTL = Ioctl.IOWR((char)0xB4, 0x0D, sizeof(GpioV2LineConfig));
    public static readonly nuint GPIO_V2_LINE_GET_VALUES_IOCTL = Ioctl.IOWR((char)0xB4, 0x0E, sizeof(GpioV2LineValues));
    public static readonly nuint GPIO_V2_LINE_SET_VALUES_IOCTL = Ioctl.IOWR((char)0xB4, 0x0F, sizeof(GpioV2LineValues));

    public const ulong FLAG_USED = 1ul << 0;
    public const ulong FLAG_ACTIVE_LOW = 1ul << 1;
    public const ulong FLAG_INPUT = 1ul << 2;
    public const ulong FLAG_OUTPUT = 1ul << 3;
    public const ulong FLAG_EDGE_RISING = 1ul << 4;
    public const ulong FLAG_EDGE_FALLING = 1ul << 5;
    public const ulong FLAG_OPEN_DRAIN = 1ul << 6;
    public const ulong FLAG_OPEN_SOURCE = 1ul << 7;
    public const ulong FLAG_BIAS_PULL_UP = 1ul << 8;
    public const ulong FLAG_BIAS_PULL_DOWN = 1ul << 9;
    public const ulong FLAG_BIAS_DISABLED = 1ul << 10;

    public const uint ATTR_ID_FLAGS = 1;
    public const uint ATTR_ID_OUTPUT_VALUES = 2;
    public const uint ATTR_ID_DEBOUNCE = 3;

    public const uint EVENT_RISING_EDGE = 1;
    public const uint EVENT_FALLING_EDGE = 2;
}
