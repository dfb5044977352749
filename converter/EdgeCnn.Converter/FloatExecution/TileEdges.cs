using System.Buffers;

namespace EdgeCnn.Converter.FloatExecution;

/// <summary>
/// Where each output tile of a GEMM Y[m, n] is written: whole tiles straight into Y, the partial ones
/// into two small buffers that hold a whole tile's width or height (the last row block when m is not a
/// multiple of the tile's rows: rows x all panels; the last panel when n is not a multiple of its
/// columns: all whole row blocks x cols). Tiles keep their sums there across blocks of K; CopyOut then
/// moves the valid part into Y. The corner tile belongs to the row buffer.
/// </summary>
internal readonly struct TileEdges
{
    private readonly int _n, _rows, _cols, _fullBlocks, _extraRows, _lastPanel, _lastWidth, _rowStride;
    private readonly float[]? _partialRows;
    private readonly float[]? _partialPanel;

    public TileEdges(int m, int n, int rows, int cols)
    {
        _n = n;
        _rows = rows;
        _cols = cols;
        _fullBlocks = m / rows;
        _extraRows = m - _fullBlocks * rows;
        int panels = (n + cols - 1) / cols;
        _lastPanel = panels - 1;
        _lastWidth = n - _lastPanel * cols;
        _rowStride = panels * cols;
        _partialRows = _extraRows > 0 ? ArrayPool<float>.Shared.Rent(rows * _rowStride) : null;
        _partialPanel = _lastWidth < cols && _fullBlocks > 0 ? ArrayPool<float>.Shared.Rent(_fullBlocks * rows * cols) : null;
    }

    /// <summary>The output of tile (row block, panel) and its row stride.</summary>
    public Span<float> Tile(Span<float> y, int block, int panel, out int ldc)
    {
        if (block == _fullBlocks)
        {
            ldc = _rowStride;
            return _partialRows.AsSpan(panel * _cols, (_rows - 1) * _rowStride + _cols);
        }
        if (panel == _lastPanel && _lastWidth < _cols)
        {
            ldc = _cols;
            return _partialPanel.AsSpan(block * _rows * _cols, _rows * _cols);
        }
        ldc = _n;
        return y.Slice(block * _rows * _n + panel * _cols);
    }

    /// <summary>The valid outputs of the partial tiles into <paramref name="y"/>.</summary>
    public void CopyOut(Span<float> y)
    {
        if (_partialRows is not null)
            for (int r = 0; r < _extraRows; r++)
                _partialRows.AsSpan(r * _rowStride, _n).CopyTo(y.Slice((_fullBlocks * _rows + r) * _n, _n));
        if (_partialPanel is not null)
            for (int r = 0; r < _fullBlocks * _rows; r++)
                _partialPanel.AsSpan(r * _cols, _lastWidth).CopyTo(y.Slice(r * _n + _lastPanel * _cols, _lastWidth));
    }

    public void Return()
    {
        if (_partialRows is not null) ArrayPool<float>.Shared.Return(_partialRows);
        if (_partialPanel is not null) ArrayPool<float>.Shared.Return(_partialPanel);
    }
}
