using System.Device.Gpio;
using EdgeCnn.CameraClassifier;

namespace EdgeCnn.Device.Tests;

/// <summary>The LED and the button of CameraClassifier on an in-memory GPIO driver.</summary>
public sealed class GpioIndicatorTests
{
    private const int Led = 17, Button = 27;

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            Thread.Sleep(10);
        }
    }

    [Fact]
    public void Led_follows_the_label_and_goes_off_at_the_end()
    {
        var driver = new InMemoryGpioDriver();
        using (var gpio = new GpioIndicator(driver, Led, "tabby cat", null))
        {
            Assert.Equal(PinMode.Output, driver.ModeOf(Led));
            Assert.Equal(PinValue.Low, driver.LevelOf(Led));
            gpio.Show("tabby, tabby cat");
            gpio.Show("tabby, tabby cat");    // no repeated write while the class stays on top
            gpio.Show("tiger cat");
            gpio.Show("Tabby Cat");
            Assert.Equal([PinValue.High, PinValue.Low, PinValue.High], driver.Writes[Led]);
        }
        Assert.Equal(PinValue.Low, driver.Writes[Led][^1]);
        Assert.True(driver.Disposed);
    }

    /// <summary>Pressed = the line pulled to ground (the button is wired to ground, with the pull-up).</summary>
    private static void Click(InMemoryGpioDriver driver)
    {
        driver.SetInput(Button, PinValue.Low);
        driver.SetInput(Button, PinValue.High);
    }

    [Fact]
    public void A_press_releases_one_frame_and_a_bounce_does_not_count_twice()
    {
        var driver = new InMemoryGpioDriver();
        using var gpio = new GpioIndicator(driver, null, null, Button);
        Assert.Equal(PinMode.InputPullUp, driver.ModeOf(Button));
        Click(driver);
        // Contact bounce: the line falls and rises again right after the release.
        driver.SetInput(Button, PinValue.Low);
        driver.SetInput(Button, PinValue.High);
        Assert.Equal(1, gpio.Presses.CurrentCount);
        Assert.False(gpio.Continuous);
    }

    [Fact]
    public void A_double_press_switches_to_every_frame_and_back()
    {
        var driver = new InMemoryGpioDriver();
        using var gpio = new GpioIndicator(driver, null, null, Button);
        Click(driver);
        Thread.Sleep(GpioIndicator.Debounce * 2);   // past the debounce window, well inside the double-press one
        Click(driver);
        Assert.True(gpio.Continuous);
        Assert.Equal(0, gpio.Presses.CurrentCount);   // the two clicks of a double press are not two frames
        Thread.Sleep(GpioIndicator.Debounce * 2);
        Click(driver);
        Thread.Sleep(GpioIndicator.Debounce * 2);
        Click(driver);
        Assert.False(gpio.Continuous);
    }

    [Fact]
    public void Holding_the_button_asks_to_stop()
    {
        var driver = new InMemoryGpioDriver();
        using var gpio = new GpioIndicator(driver, null, null, Button);
        using var held = new ManualResetEventSlim();
        gpio.HoldStarted += held.Set;
        driver.SetInput(Button, PinValue.Low);
        Assert.True(held.Wait(GpioIndicator.HoldTime + TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken), "holding the button never raised HoldStarted");
        driver.SetInput(Button, PinValue.High);
    }

    [Fact]
    public void Disposing_releases_the_button_line()
    {
        var driver = new InMemoryGpioDriver();
        var gpio = new GpioIndicator(driver, Led, "red", Button);
        Assert.True(driver.IsOpen(Button));
        gpio.Dispose();
        Assert.False(driver.IsOpen(Button));
        Assert.False(driver.IsOpen(Led));
    }
}
