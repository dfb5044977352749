using EdgeCnn.Converter.Datasets;

namespace EdgeCnn.Cli.Commands;

/// <summary>
/// Checks, before the first image runs, that a model can be evaluated on a data set: every label (plus
/// --label-offset) names one of the model's outputs, and Fashion-MNIST's 28x28 grayscale images with
/// their 10 classes meet a model made for them. Without it a 224x224x3 ImageNet model "scores" 0.0000
/// on Fashion-MNIST and exits 0.
/// </summary>
public static class DatasetFit
{
    /// <param name="input">The model's input as NHWC.</param>
    /// <param name="classes">Length of the model's output 0 (its last axis).</param>
    public static void Require(string modelPath, ReadOnlySpan<int> input, int classes, ILabeledImageSource data, bool isFashionMnist, int labelOffset, int count)
    {
        string model = Path.GetFileName(modelPath);
        string takes = input.Length == 4 ? $"{input[2]}x{input[1]}x{input[3]} images" : $"input [{string.Join(",", input.ToArray())}]";
        if (isFashionMnist)
        {
            if (input.Length == 4 && input[3] != 1)
                throw new UserInputException(
                    $"{model} takes {takes} (color); {data.Name} holds {FashionMnist.Side}x{FashionMnist.Side} grayscale images: evaluate it on a folder of photos with labels.tsv, or a Fashion-MNIST model on fashion-mnist");
            int expected = FashionMnist.ClassNames.Length + labelOffset;
            if (classes != expected)
                throw new UserInputException(
                    $"{model} has {classes} outputs; {data.Name} has {FashionMnist.ClassNames.Length} classes{(labelOffset != 0 ? $" (+ --label-offset {labelOffset})" : "")}, so the model needs {expected}");
        }
        for (int i = 0; i < count; i++)
        {
            int label = data.Label(i);
            if (label < 0) throw new UserInputException($"{data.ItemName(i)} has no label; eval needs a labeled data set");
            if (label + labelOffset >= classes || label + labelOffset < 0)
                throw new UserInputException(
                    $"{data.ItemName(i)} has label {label}{(labelOffset != 0 ? $" + offset {labelOffset}" : "")}, outside the {classes} outputs of {model}: the model and the data set do not match (see --label-offset)");
        }
    }
}
