using System.Globalization;

namespace EdgeCnn;

/// <summary>One class of a classification: the model's output index, its label and its score.</summary>
public readonly record struct Prediction(int Index, string Label, float Score)
{
    /// <summary>
    /// "286 Egyptian cat 0.7799": index, label, score with 4 decimals in the invariant culture. The one
    /// text form of a prediction: edgecnn classify and CameraClassifier print it too.
    /// </summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index} {Label} {Score:F4}");
}
