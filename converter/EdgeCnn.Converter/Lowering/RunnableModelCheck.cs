using System.Text.RegularExpressions;
using EdgeCnn.Converter.Graph;
using EdgeCnn.Format;
using EdgeCnn.Model;

namespace EdgeCnn.Converter.Lowering;

/// <summary>
/// The last step of every conversion, before anything is written or run: the converted model must pass
/// the same <see cref="ModelValidator"/> the .ecnn reader and writer run (structure and the arithmetic a
/// session derives from the scales). A failure is the converter's: it becomes a
/// <see cref="ConversionException"/> naming the layer, instead of an unwritable or unrunnable file.
/// </summary>
public static partial class RunnableModelCheck
{
    public static void Require(EcnnModel model, string sourceName)
    {
        try
        {
            ModelValidator.Validate(model, sourceName);
        }
        catch (EcnnFormatException e)
        {
            string layer = LayerOf(model, e.Field) is { } op ? $"layer {op.Type} '{op.Name}'" : $"the converted model ({e.Field})";
            throw new ConversionException($"{sourceName}: {layer} cannot be converted: {e.Field} = {e.Value}: {e.Reason}", e);
        }
    }

    private static OperatorDef? LayerOf(EcnnModel model, string field)
    {
        var match = OperatorField().Match(field);
        if (!match.Success || !int.TryParse(match.Groups[1].ValueSpan, out int index) || (uint)index >= (uint)model.Operators.Count) return null;
        return model.Operators[index];
    }

    [GeneratedRegex(@"^operator\[(\d+)\]")]
    private static partial Regex OperatorField();
}
