using EdgeCnn.Execution.Steps;
using EdgeCnn.Model;
using EdgeCnn.Planning;

namespace EdgeCnn.Execution;

/// <summary>
/// A validated model turned into runnable steps over one arena: every activation tensor (and every
/// constant used where an activation is expected, e.g. a constant Add operand) gets a slot whose
/// lifetime runs from the step that writes it to the last step that reads it. With several threads,
/// runs of steps that can share row bands become <see cref="RowBandGroup"/>s, and for the arena a group
/// counts as one step: its tensors all live from its first step to its last.
/// </summary>
internal sealed class ExecutionPlan
{
    private ExecutionPlan(Step[] steps, IPlanStage[] stages, TensorSlot?[] slots, ArenaPlan arena, List<(TensorSlot Slot, byte[] Data)> preloaded)
    {
        Steps = steps;
        Stages = stages;
        Slots = slots;
        Arena = arena;
        Preloaded = preloaded;
    }

    public Step[] Steps { get; }
    /// <summary>What a run executes in order: the steps, with each group's steps replaced by the group.</summary>
    public IPlanStage[] Stages { get; }
    /// <summary>Slot per tensor index; null for constants read directly by their step (weights, bias, slopes).</summary>
    public TensorSlot?[] Slots { get; }
    public ArenaPlan Arena { get; }
    /// <summary>Constants that live in the arena; copied in once when a session is created.</summary>
    public List<(TensorSlot Slot, byte[] Data)> Preloaded { get; }

    /// <summary>The plan for a session of <paramref name="threads"/> threads: with more than one, steps may run in row-band groups.</summary>
    public static ExecutionPlan Build(EcnnModel model, ModelConstants constants, bool shareMemory, int threads = 1)
    {
        var tensors = model.Tensors;
        int stepCount = model.Operators.Count;
        var inArena = new bool[tensors.Count];
        foreach (var input in model.Inputs) inArena[input] = true;
        foreach (var output in model.Outputs) inArena[output] = true;
        foreach (var op in model.Operators)
        {
            for (int k = 0; k < op.Inputs.Length; k++)
                if (!ReadsDirectly(op.Type, k)) inArena[op.Inputs[k]] = true;
            foreach (var output in op.Outputs) inArena[output] = true;
        }

        // Slots first, placed in the arena below: the steps decide which of them run in groups.
        var slots = new TensorSlot?[tensors.Count];
        for (int t = 0; t < tensors.Count; t++)
            if (inArena[t]) slots[t] = new TensorSlot { Index = t, Tensor = tensors[t] };
        var steps = new Step[stepCount];
        for (int s = 0; s < stepCount; s++)
            steps[s] = CreateStep(model, model.Operators[s], slots, constants);
        var groups = RowBandGroup.Find(steps, threads);

        // A step's time for lifetimes: a group's steps write at its first step and read at its last.
        var writeTime = Enumerable.Range(0, stepCount).ToArray();
        var readTime = Enumerable.Range(0, stepCount).ToArray();
        foreach (var group in groups)
            for (int s = group.First; s <= group.Last; s++)
            {
                writeTime[s] = group.First;
                readTime[s] = group.Last;
            }
        var first = new int[tensors.Count];
        var last = new int[tensors.Count];
        Array.Fill(first, int.MaxValue);
        Array.Fill(last, -1);
        void Touch(int tensor, int time)
        {
            first[tensor] = Math.Min(first[tensor], time);
            last[tensor] = Math.Max(last[tensor], time);
        }

        foreach (var input in model.Inputs) Touch(input, 0);
        for (int s = 0; s < stepCount; s++)
        {
            var op = model.Operators[s];
            for (int k = 0; k < op.Inputs.Length; k++)
            {
                if (ReadsDirectly(op.Type, k)) continue;
                int t = op.Inputs[k];
                // Constants in the arena are written once at session creation: live for the whole run.
                if (tensors[t].IsConstant)
                {
                    Touch(t, 0);
                    last[t] = stepCount;
                }
                else Touch(t, readTime[s]);
            }
            foreach (var output in op.Outputs)
            {
                Touch(output, writeTime[s]);
                Touch(output, readTime[s]);
            }
        }
        foreach (var output in model.Outputs) Touch(output, stepCount);

        var arenaTensors = Enumerable.Range(0, tensors.Count).Where(t => inArena[t]).ToArray();
        var requests = arenaTensors.Select(t => new BufferRequest(tensors[t].ByteSize, first[t], last[t])).ToArray();
        var arena = shareMemory ? GreedyArenaPlanner.Plan(requests) : GreedyArenaPlanner.PlanWithoutSharing(requests);

        var preloaded = new List<(TensorSlot, byte[])>();
        for (int i = 0; i < arenaTensors.Length; i++)
        {
            var slot = slots[arenaTensors[i]]!;
            slot.Offset = checked((int)arena.Offsets[i]);
            if (slot.Tensor.Data is { } data) preloaded.Add((slot, data));
        }

        var stages = new List<IPlanStage>(stepCount);
        int next = 0;
        foreach (var group in groups)
        {
            while (next < group.First) stages.Add(steps[next++]);
            stages.Add(group);
            next = group.Last + 1;
        }
        while (next < stepCount) stages.Add(steps[next++]);
        return new ExecutionPlan(steps, stages.ToArray(), slots, arena, preloaded);
    }

    /// <summary>Inputs a step reads from the model's constants rather than from the arena.</summary>
    private static bool ReadsDirectly(OpType type, int inputPosition) => type switch
    {
        OpType.Conv2D or OpType.DepthwiseConv2D or OpType.TransposedConv2D or OpType.FullyConnected => inputPosition > 0,
        OpType.PRelu => inputPosition == 1,
        OpType.LayerNorm => inputPosition > 0,
        _ => false,
    };

    private static Step CreateStep(EcnnModel model, OperatorDef op, TensorSlot?[] slots, ModelConstants constants)
    {
        TensorSlot In(int k) => slots[op.Inputs[k]]!;
        TensorSlot output = slots[op.Outputs[0]]!;
        return op.Type switch
        {
            OpType.Conv2D or OpType.DepthwiseConv2D or OpType.TransposedConv2D =>
                new ConvStep(op, In(0), model.Tensors[op.Inputs[1]], op.Inputs[1], op.Inputs[2], output, constants),
            OpType.FullyConnected =>
                new FullyConnectedStep(op, In(0), model.Tensors[op.Inputs[1]], op.Inputs[1], op.Inputs[2], output, constants),
            OpType.MaxPool or OpType.AvgPool or OpType.GlobalAvgPool or OpType.GlobalMaxPool => new PoolStep(op, In(0), output),
            OpType.Add or OpType.Mul => new BinaryStep(op, In(0), In(1), output),
            OpType.Concat => new ConcatStep(op, op.Inputs.Select(i => slots[i]!).ToArray(), output),
            OpType.Pad => new PadStep(op, In(0), output),
            OpType.Resize => new ResizeStep(op, In(0), output),
            OpType.Reshape => new CopyStep(op, In(0), output),
            OpType.ChannelShuffle => new ChannelShuffleStep(op, In(0), output),
            OpType.Activation => new ActivationStep(op, In(0), output),
            OpType.PRelu => new PReluStep(op, In(0), op.Inputs[1], output, constants),
            OpType.Softmax => new SoftmaxStep(op, In(0), output),
            OpType.Quantize or OpType.Dequantize => new QuantizeStep(op, In(0), output),
            OpType.Slice => new SliceStep(op, In(0), output),
            OpType.LayerNorm or OpType.L2Norm => new ChannelNormStep(op, In(0), op.Type == OpType.LayerNorm ? op.Inputs[1] : -1,
                op.Type == OpType.LayerNorm ? op.Inputs[2] : -1, output, constants),
            _ => throw new InvalidOperationException($"operator {op} has no implementation"),
        };
    }
}
