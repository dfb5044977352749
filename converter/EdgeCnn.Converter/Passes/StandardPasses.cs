using EdgeCnn.Converter.Graph;

namespace EdgeCnn.Converter.Passes;

/// <summary>What <see cref="StandardPasses.Run"/> changed, for logs and reports.</summary>
public sealed record PassSummary(int FoldedConstants, int RemovedIdentities, int FoldedBatchNorms, int FusedPads, int FusedActivations)
{
    /// <summary>GELU, hard swish, LayerNorm, L2 norm patterns and channels-last regions rewritten.</summary>
    public int RecognizedPatterns { get; init; }

    public override string ToString() =>
        $"folded {FoldedConstants} constant nodes, removed {RemovedIdentities} Identity/Dropout, folded {FoldedBatchNorms} BatchNormalization, fused {FusedPads} Pad, fused {FusedActivations} activations, recognized {RecognizedPatterns} patterns";
}

/// <summary>
/// The converter's pass order on an imported graph (still ONNX semantics, NCHW): shapes, constant
/// folding (shape subgraphs), Identity/Dropout removal, BN folding, Pad fusion, activation fusion, and
/// shapes again so every value the lowering sees has a static shape.
/// </summary>
public static class StandardPasses
{
    public static PassSummary Run(ModelGraph graph, IReadOnlyDictionary<string, int[]>? inputShapes = null)
    {
        ShapeInference.Run(graph, inputShapes);
        int constants = ConstantFolding.Run(graph);
        int identities = IdentityRemoval.Run(graph);
        // Folding may expose constants only after identities are gone (Identity on an initializer).
        constants += ConstantFolding.Run(graph);
        // Patterns before folding and fusion: they look for the operators as PyTorch wrote them.
        int patterns = ActivationPatterns.Run(graph) + NormalizationPatterns.Run(graph) + ChannelsLastRegions.Run(graph);
        int batchNorms = BatchNormFolding.Run(graph);
        int pads = PadFusion.Run(graph);
        int activations = ActivationFusion.Run(graph);
        graph.RemoveUnusedValues();
        ShapeInference.Run(graph);
        return new PassSummary(constants, identities, batchNorms, pads, activations) { RecognizedPatterns = patterns };
    }
}
