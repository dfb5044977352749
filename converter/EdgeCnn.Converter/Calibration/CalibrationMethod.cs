using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.Calibration;

/// <summary>How an activation's int8 range is chosen from what calibration observed.</summary>
public enum CalibrationMethod
{
    /// <summary>The observed minimum and maximum.</summary>
    MinMax,
    /// <summary>The central <see cref="CalibrationOptions.Percentile"/> percent of the values (outliers clipped).</summary>
    Percentile,
    /// <summary>TensorRT-style entropy calibration: the clipping threshold whose quantized histogram
    /// has the smallest KL divergence from the observed one.</summary>
    Kl,
    /// <summary>The clipping threshold with the smallest expected squared quantization error.</summary>
    Mse,
}

public static class CalibrationMethods
{
    public static readonly string[] Names = ["minmax", "percentile", "kl", "mse"];

    public static CalibrationMethod Parse(string name) => name.ToLowerInvariant() switch
    {
        "minmax" or "min-max" => CalibrationMethod.MinMax,
        "percentile" => CalibrationMethod.Percentile,
        "kl" or "entropy" => CalibrationMethod.Kl,
        "mse" => CalibrationMethod.Mse,
        _ => throw new ConversionException($"unknown calibration method '{name}' (use {string.Join(", ", Names)})"),
    };

    public static string Name(this CalibrationMethod method) => Names[(int)method];
}

public sealed record CalibrationOptions
{
    public CalibrationMethod Method { get; init; } = CalibrationMethod.MinMax;
    /// <summary>Percent of values kept by <see cref="CalibrationMethod.Percentile"/>.</summary>
    public double Percentile { get; init; } = 99.99;
    /// <summary>How many images run at once (default: one per core). Results do not depend on it.</summary>
    public int? Threads { get; init; }
}
