namespace EdgeCnn.CameraClassifier.Display;

/// <summary>A small screen next to the board showing the latest result.</summary>
public interface IResultDisplay : IDisposable
{
    /// <summary>One line per item, e.g. the top label, "score 0.78", "12.3 fps".</summary>
    string Description { get; }
    void Show(Prediction top, string rate);
}
