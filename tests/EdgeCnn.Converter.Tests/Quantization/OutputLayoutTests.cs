using EdgeCnn.Converter.Graph;
using EdgeCnn.Converter.Quantization;

namespace EdgeCnn.Converter.Tests.Quantization;

/// <summary>
/// The float executor gives NCHW, the int8 session NHWC: top-1 agreement compares both in the
/// session's layout, per pixel for feature maps. A segmentation-like model once reported 0% agreement
/// while agreeing on 99% of its pixels.
/// </summary>
public sealed class OutputLayoutTests
{
    [Fact]
    public void Feature_maps_are_compared_pixel_by_pixel_in_one_layout()
    {
        // 3 classes at 2 x 2 pixels, NCHW; the top class of pixel p is p % 3.
        var nchw = new float[12];
        for (int p = 0; p < 4; p++) nchw[(p % 3) * 4 + p] = 1f;
        var asSession = OutputAgreement.InSessionLayout(new Tensor([1, 3, 2, 2], nchw));
        var nhwc = new float[12];
        for (int p = 0; p < 4; p++) nhwc[p * 3 + p % 3] = 1f;
        Assert.Equal(nhwc, asSession);
        Assert.Equal((4, 4), OutputAgreement.Count(asSession, nhwc, 3));
        // The raw NCHW data read as NHWC pixels is a different answer: what the report used to compare.
        Assert.NotEqual((4, 4), OutputAgreement.Count(nchw, nhwc, 3));
    }

    [Fact]
    public void A_classifier_output_is_one_pixel_per_image()
    {
        Assert.Equal((1, 1), OutputAgreement.Count([0.1f, 0.9f, 0.3f], [0.2f, 0.8f, 0.1f], 3));
        Assert.Equal((0, 1), OutputAgreement.Count([0.1f, 0.9f, 0.3f], [0.9f, 0.8f, 0.1f], 3));
    }

    [Fact]
    public void The_convert_report_of_a_segmentation_like_model_agrees_per_pixel()
    {
        var result = NumericsModels.Convert("segmentation_like");
        var report = result.Report!;
        Assert.Equal([1, 16, 16, 5], report.Layers[^1].Shape);
        Assert.True(report.OutputSqnrDb > 30, $"output SQNR {report.OutputSqnrDb:F1} dB");
        Assert.True(report.Top1Agreement >= 0.95, $"per-pixel top-1 agreement {report.Top1Agreement:P1}");
    }
}
