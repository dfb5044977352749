using System.Runtime.CompilerServices;
using EdgeCnn.Imaging;

namespace EdgeCnn.Runtime.Tests.Reliability;

/// <summary>Inputs tools/fuzz found (seed 2), kept as regression tests.</summary>
public class FuzzFindingTests
{
    private static byte[] Data(string name, [CallerFilePath] string thisFile = "") =>
        File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(thisFile)!, "Data", name));

    [Fact]
    public void APngWhoseZlibStreamMakesZlibFailIsAnImageFormatException()
    {
        // image input 94239: zlib answered with ZLibException (an IOException), not InvalidDataException.
        var e = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(Data("png-zlib-error.png"), "png-zlib-error.png"));
        Assert.Contains("zlib", e.Message);
    }
}
