namespace EdgeCnn.Device.Tests;

/// <summary>
/// The SSD1306's display RAM rebuilt from the I2C traffic, per the datasheet: a write whose control byte
/// is 0x00 carries commands (0x21 column range, 0x22 page range reset the write pointer), 0x40 carries
/// data; in horizontal addressing each data byte is one column of a page, bit b = row page*8+b.
/// </summary>
internal sealed class Ssd1306Memory
{
    private readonly byte[,] _ram = new byte[8, 128];
    private int _column, _page, _columnStart, _columnEnd = 127, _pageStart, _pageEnd = 7;

    /// <param name="powerOn">What the RAM holds before the first write (the chip does not clear it at power-on).</param>
    public static Ssd1306Memory From(IEnumerable<byte[]> writes, byte powerOn = 0)
    {
        var memory = new Ssd1306Memory();
        for (int page = 0; page < 8; page++)
            for (int column = 0; column < 128; column++) memory._ram[page, column] = powerOn;
        foreach (var write in writes) memory.Apply(write);
        return memory;
    }

    public bool Lit(int x, int y) => (_ram[y / 8, x] & (1 << (y % 8))) != 0;

    private void Apply(byte[] write)
    {
        if (write.Length < 2) return;
        if (write[0] == 0x40)
        {
            for (int i = 1; i < write.Length; i++)
            {
                _ram[_page, _column] = write[i];
                if (++_column > _columnEnd)
                {
                    _column = _columnStart;
                    if (++_page > _pageEnd) _page = _pageStart;
                }
            }
            return;
        }
        if (write[0] != 0x00) throw new InvalidDataException($"control byte 0x{write[0]:X2} is neither command (0x00) nor data (0x40)");
        if (write[1] == 0x21 && write.Length >= 4) (_columnStart, _columnEnd, _column) = (write[2], write[3], write[2]);
        if (write[1] == 0x22 && write.Length >= 4) (_pageStart, _pageEnd, _page) = (write[2] & 7, write[3] & 7, write[2] & 7);
    }
}

/// <summary>
/// An HD44780's character RAM rebuilt from the bytes a PCF8574 backpack receives: P4..P7 are D4..D7,
/// P0 is RS, P2 is E; a nibble is latched when E falls, two nibbles (high first) make a byte. Commands
/// 0x01 (clear) and 0x80|address (set DDRAM address) are followed; data goes to the address, which then
/// moves on by one.
/// </summary>
internal sealed class Hd44780Memory
{
    private readonly char[] _ddram = Enumerable.Repeat(' ', 0x80).ToArray();
    private int _address;
    private int? _highNibble;

    public static Hd44780Memory From(IEnumerable<byte[]> writes)
    {
        var memory = new Hd44780Memory();
        byte previous = 0;
        foreach (var write in writes)
            foreach (byte b in write)
            {
                if ((previous & 0x04) != 0 && (b & 0x04) == 0) memory.Latch((byte)(previous >> 4), (previous & 0x01) != 0);
                previous = b;
            }
        return memory;
    }

    /// <summary>A row of a 16- or 20-column display (rows start at 0x00, 0x40, 0x14, 0x54).</summary>
    public string Row(int row, int columns)
    {
        int start = row switch { 0 => 0x00, 1 => 0x40, 2 => 0x14, _ => 0x54 };
        return new string(_ddram, start, columns);
    }

    private void Latch(byte nibble, bool data)
    {
        if (_highNibble is not { } high) { _highNibble = nibble; return; }
        _highNibble = null;
        byte value = (byte)((high << 4) | nibble);
        if (data)
        {
            _ddram[_address] = (char)value;
            _address = (_address + 1) & 0x7F;
        }
        else if (value == 0x01) { Array.Fill(_ddram, ' '); _address = 0; }
        else if ((value & 0x80) != 0) _address = value & 0x7F;
    }
}
