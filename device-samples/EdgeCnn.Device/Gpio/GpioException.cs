namespace EdgeCnn.Device.Gpio;

/// <summary>A GPIO problem (chip missing, line missing or busy, permission) with a message that names the chip and line.</summary>
public sealed class GpioException(string message) : IOException(message);
