using System.Device.Gpio;
using System.Device.I2c;
using EdgeCnn.Device.Gpio;

namespace EdgeCnn.CameraClassifier;

/// <summary>
/// How the program reaches GPIO and I2C: the kernel character device and /dev/i2c-N on a board; tests
/// pass an in-memory GPIO driver and a recording I2C device instead.
/// </summary>
public sealed record BoardDevices(Func<string, GpioDriver> OpenGpioChip, Func<I2cConnectionSettings, I2cDevice>? OpenI2c = null)
{
    public static BoardDevices Kernel { get; } = new(chip => new KernelGpioDriver(chip));
}
