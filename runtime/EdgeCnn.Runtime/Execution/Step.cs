using EdgeCnn.Kernels;
using EdgeCnn.Model;
using EdgeCnn.Threading;

namespace EdgeCnn.Execution;

/// <summary>
/// One operator bound to its arena slots and prepared constants (multipliers, tables, weights),
/// ready to run. Execute allocates nothing.
/// </summary>
internal abstract class Step : IPlanStage
{
    protected Step(OperatorDef op) => Operator = op;

    public OperatorDef Operator { get; }
    public string Name => Operator.Name;
    public OpType Type => Operator.Type;

    /// <summary>Multiply-accumulates one run of this step performs (0 for data movement).</summary>
    public virtual long Macs => 0;

    /// <summary>The table kernel this step runs, or null when it runs the scalar reference operator.</summary>
    public virtual KernelInfo? Kernel => null;

    public abstract void Execute(Span<byte> arena);

    /// <summary>Per-worker scratch bytes this step needs from the session's <see cref="RunContext"/>.</summary>
    public virtual int ScratchBytes => 0;

    /// <summary>Runs with the session's workers and scratch; steps that split their work override it.</summary>
    public virtual void Execute(Span<byte> arena, RunContext context) => Execute(arena);
}
