using System.Device.Gpio;
using System.Device.I2c;
using EdgeCnn.Device.Gpio;
using EdgeCnn.Device.Video;

namespace EdgeCnn.CameraClassifier;

/// <summary>
/// How the program reaches GPIO, I2C and the camera: the kernel character device, /dev/i2c-N and the
/// camera the options name on a board; tests pass an in-memory GPIO driver, a recording I2C device and
/// recorded frames instead.
/// </summary>
public sealed record BoardDevices(Func<string, GpioDriver> OpenGpioChip, Func<I2cConnectionSettings, I2cDevice>? OpenI2c = null)
{
    /// <summary>Replaces the camera of --device / --libcamera (null: open the one the options name).</summary>
    public Func<IFrameSource>? OpenCamera { get; init; }

    public static BoardDevices Kernel { get; } = new(chip => new KernelGpioDriver(chip));
}
