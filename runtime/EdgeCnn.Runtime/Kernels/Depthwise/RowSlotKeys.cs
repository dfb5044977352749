using System.Runtime.CompilerServices;

namespace EdgeCnn.Kernels.Depthwise;

/// <summary>
/// Which input row each of a row ring's three slots holds, and for which channel block: slot = row index
/// mod 3, so the three rows of a 3x3 window never evict each other. The rings of the x86 3x3 depthwise
/// kernels (<see cref="WidenedRowRing"/>, <see cref="QuadRowRing"/>) own the bytes and the preparation;
/// this only decides which slot a row goes to and whether it must be prepared again.
/// </summary>
internal struct RowSlotKeys
{
    private long _key0, _key1, _key2;

    public RowSlotKeys() => Select(-1);

    /// <summary>The channel block the held rows belong to (-1 before the first <see cref="Select"/>).</summary>
    public int Block { get; private set; }

    /// <summary>Switches to channel block <paramref name="block"/>; rows held for another block are dropped.</summary>
    public void Select(int block)
    {
        Block = block;
        _key0 = _key1 = _key2 = -1;
    }

    /// <summary>
    /// The slot of row <paramref name="key"/> (n * InH + ih); <paramref name="prepare"/> is true when the
    /// slot held another row, and the caller must fill it before reading.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Slot(long key, out bool prepare)
    {
        int slot = (int)(key % 3);
        ref long held = ref slot == 0 ? ref _key0 : ref slot == 1 ? ref _key1 : ref _key2;
        prepare = held != key;
        held = key;
        return slot;
    }
}
