using EdgeCnn.Model;
using EdgeCnn.Reference;

namespace EdgeCnn.Execution.Steps;

/// <summary>
/// Slice: copies the box as runs of contiguous bytes (a channel split copies C_out bytes per pixel;
/// a box that keeps the whole width and all channels copies whole rows). Same bytes as the reference.
/// </summary>
internal sealed class SliceStep : Step
{
    private readonly TensorSlot _input, _output;
    private readonly Shape4 _in, _out, _start;
    private readonly bool _wholeRows;

    public SliceStep(OperatorDef op, TensorSlot input, TensorSlot output) : base(op)
    {
        _input = input;
        _output = output;
        _in = input.Shape4;
        _out = output.Shape4;
        var s = op.SliceStart;
        _start = new Shape4(s.N, s.H, s.W, s.C);
        _wholeRows = _out.W == _in.W && _out.C == _in.C;
    }

    public override void Execute(Span<byte> arena)
    {
        var x = _input.Bytes(arena);
        var y = _output.Bytes(arena);
        int run = _wholeRows ? _out.W * _out.C : _out.C;
        int target = 0;
        for (int n = 0; n < _out.N; n++)
        for (int h = 0; h < _out.H; h++)
        {
            if (_wholeRows)
            {
                x.Slice(_in.Index(_start.N + n, _start.H + h, 0, 0), run).CopyTo(y.Slice(target, run));
                target += run;
                continue;
            }
            for (int w = 0; w < _out.W; w++)
            {
                x.Slice(_in.Index(_start.N + n, _start.H + h, _start.W + w, _start.C), run).CopyTo(y.Slice(target, run));
                target += run;
            }
        }
    }
}
