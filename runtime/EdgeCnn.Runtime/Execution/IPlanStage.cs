using EdgeCnn.Threading;

namespace EdgeCnn.Execution;

/// <summary>What a session runs in order: a step, or a <see cref="RowBandGroup"/> of steps run band by band.</summary>
internal interface IPlanStage
{
    void Execute(Span<byte> arena, RunContext context);
}
