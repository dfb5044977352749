using System.Device.Gpio;
using EdgeCnn.Device.Gpio;
using EdgeCnn.Device.Interop;

namespace EdgeCnn.Device.Tests;

public sealed class GpioTests
{
    [Fact]
    public void Missing_chip_is_named()
    {
        var e = Assert.Throws<GpioException>(() => new KernelGpioDriver("/dev/gpiochip97"));
        Assert.Contains("/dev/gpiochip97", e.Message);
        Assert.Contains("does not exist", e.Message);
        e = Assert.Throws<GpioException>(() => new KernelGpioDriver(96));
        Assert.Contains("/dev/gpiochip96", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_chip_is_named()
    {
        var e = Assert.Throws<GpioException>(() => new KernelGpioDriver("/dev/null"));
        Assert.Contains("/dev/null is not a GPIO chip", e.Message);
    }

    [Fact]
    public void Opening_a_pin_asks_for_the_line_as_is()
    {
        var request = LineRequestBuilder.Request(4, null, PinEventTypes.None, TimeSpan.Zero, PinValue.Low);
        Assert.Equal(0ul, request.config.flags);        // no direction: the kernel keeps direction and level
        Assert.Equal(0u, request.config.num_attrs);
        Assert.Throws<ArgumentException>(() => LineRequestBuilder.Flags(null, PinEventTypes.Falling));
    }

    [Fact]
    public void Output_request_sets_direction_and_initial_value()
    {
        var request = LineRequestBuilder.Request(17, PinMode.Output, PinEventTypes.None, TimeSpan.Zero, PinValue.High);
        unsafe
        {
            Assert.Equal(17u, request.offsets[0]);
            Assert.Equal((byte)'e', request.consumer[0]);
        }
        Assert.Equal(1u, request.num_lines);
        Assert.Equal(GpioUapi.FLAG_OUTPUT, request.config.flags);
        Assert.Equal(1u, request.config.num_attrs);
        Assert.Equal(GpioUapi.ATTR_ID_OUTPUT_VALUES, request.config.attrs[0].attr.id);
        Assert.Equal(1ul, request.config.attrs[0].attr.values);
        Assert.Equal(1ul, request.config.attrs[0].mask);
    }

    [Fact]
    public void Button_request_has_pull_up_both_edges_and_debounce_in_microseconds()
    {
        var config = LineRequestBuilder.Config(PinMode.InputPullUp, PinEventTypes.Rising | PinEventTypes.Falling, TimeSpan.FromMilliseconds(20.0004), PinValue.Low);
        Assert.Equal(GpioUapi.FLAG_INPUT | GpioUapi.FLAG_BIAS_PULL_UP | GpioUapi.FLAG_EDGE_RISING | GpioUapi.FLAG_EDGE_FALLING, config.flags);
        Assert.Equal(1u, config.num_attrs);
        Assert.Equal(GpioUapi.ATTR_ID_DEBOUNCE, config.attrs[0].attr.id);
        Assert.Equal(20001u, config.attrs[0].attr.debounce_period_us);   // rounded up: never shorter than asked
    }

    [Fact]
    public void Impossible_combinations_are_refused()
    {
        Assert.Throws<ArgumentException>(() => LineRequestBuilder.Flags(PinMode.Output, PinEventTypes.Rising));
        Assert.Throws<ArgumentException>(() => LineRequestBuilder.Config(PinMode.Output, PinEventTypes.None, TimeSpan.FromMilliseconds(5), PinValue.Low));
    }

    [Theory]
    [InlineData(GpioUapi.FLAG_USED | GpioUapi.FLAG_OUTPUT, PinMode.Output)]
    [InlineData(GpioUapi.FLAG_INPUT | GpioUapi.FLAG_BIAS_PULL_UP, PinMode.InputPullUp)]
    [InlineData(GpioUapi.FLAG_INPUT | GpioUapi.FLAG_BIAS_PULL_DOWN, PinMode.InputPullDown)]
    [InlineData(GpioUapi.FLAG_INPUT, PinMode.Input)]
    [InlineData(0ul, PinMode.Input)]
    public void Line_info_flags_give_the_pin_mode(ulong flags, PinMode mode) => Assert.Equal(mode, LineRequestBuilder.ModeOf(flags));

    [Fact]
    public void A_controller_over_a_driver_keeps_the_system_device_gpio_contract()
    {
        var driver = new InMemoryGpioDriver();
        using (var controller = new GpioController(driver))
        {
            controller.OpenPin(17, PinMode.Output, PinValue.High);
            Assert.Equal(PinValue.High, driver.LevelOf(17));
            controller.Write(17, PinValue.Low);
            Assert.Equal([PinValue.Low], driver.Writes[17]);
            controller.OpenPin(5, PinMode.InputPullUp);
            var result = controller.WaitForEvent(5, PinEventTypes.Falling, TimeSpan.FromMilliseconds(50));
            Assert.True(result.TimedOut);
        }
        Assert.False(driver.IsOpen(17));
        Assert.True(driver.Disposed);
    }

    [Fact]
    public void Chip_listing_skips_what_is_not_a_chip()
    {
        string dir = Directory.CreateTempSubdirectory("edgecnn-gpiochips-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "gpiochip3"), "not a chip");
            File.CreateSymbolicLink(Path.Combine(dir, "gpiochip4"), "/dev/null");
            Assert.Empty(GpioChips.List(dir));
            Assert.Null(GpioChips.FindHeaderChip(dir));
            Assert.Null(GpioChips.Describe("/dev/null"));
            Assert.Empty(GpioChips.List(Path.Combine(dir, "missing")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
