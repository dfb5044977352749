using EdgeCnn.Device.Interop;

namespace EdgeCnn.Device.Gpio;

/// <summary>One GPIO chip as the kernel describes it (what <c>gpiodetect</c> prints).</summary>
public readonly record struct GpioChipListing(string Path, string Name, string Label, int Lines)
{
    public override string ToString() => $"{Path} [{Label}] ({Lines} lines)";
}

/// <summary>
/// Finds GPIO chips by what they are rather than by number. The number of the Raspberry Pi header chip
/// has changed with kernel releases (Pi 5: gpiochip4, then gpiochip0 from the 6.6.45 kernels, and
/// later kernels number the chips from 10 up), while its label stays: pinctrl-rp1 on a Pi 5,
/// pinctrl-bcm2711 on a Pi 4, pinctrl-bcm2835 on earlier boards.
/// </summary>
public static unsafe class GpioChips
{
    /// <summary>The chips under <paramref name="directory"/>, by number; symlinks (compatibility aliases) and chips that cannot be opened are left out.</summary>
    public static IReadOnlyList<GpioChipListing> List(string directory = "/dev")
    {
        var chips = new List<(int Number, GpioChipListing Chip)>();
        if (!Directory.Exists(directory)) return [];
        foreach (var path in Directory.EnumerateFiles(directory, "gpiochip*"))
        {
            if (!int.TryParse(Path.GetFileName(path).AsSpan("gpiochip".Length), out int number)) continue;
            if (new FileInfo(path).LinkTarget is not null) continue;
            if (Describe(path) is { } chip) chips.Add((number, chip));
        }
        return chips.OrderBy(c => c.Number).Select(c => c.Chip).ToList();
    }

    /// <summary>The chip of the 40-pin header: the first whose label is a Raspberry Pi pin controller ("pinctrl-..."), or null.</summary>
    public static GpioChipListing? FindHeaderChip(string directory = "/dev")
    {
        foreach (var chip in List(directory))
            if (chip.Label.StartsWith("pinctrl-", StringComparison.Ordinal)) return chip;
        return null;
    }

    /// <summary>Name, label and line count of one chip, or null when it cannot be opened or is not a chip.</summary>
    public static GpioChipListing? Describe(string path)
    {
        if (!OperatingSystem.IsLinux() || IntPtr.Size != 8) return null;
        int fd = Libc.Open(path, OpenFlags.ReadOnly | OpenFlags.CloseOnExec);
        if (fd < 0) return null;
        try
        {
            GpioChipInfoStruct info;
            if (Libc.IoctlRetrying(fd, GpioUapi.GPIO_GET_CHIPINFO_IOCTL, &info) == -1) return null;
            return new GpioChipListing(path, info.Name, info.Label, (int)info.lines);
        }
        finally
        {
            Libc.Close(fd);
        }
    }
}
