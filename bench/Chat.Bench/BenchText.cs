using System.Buffers.Text;
using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// The text of a benchmark message: phase (<c>W</c> warm-up, <c>M</c> measured), sequence number and the
/// send time (Stopwatch ticks), then padding, e.g. <c>M42.123456789.mmmm</c>.
/// </summary>
internal static class BenchText
{
    public const byte WarmUp = (byte)'W';
    public const byte Measured = (byte)'M';

    public static string Create(byte phase, long sequence, long sentAt, int length)
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"{(char)phase}{sequence}.{sentAt}.");
        return head.Length >= length ? head : head + new string('m', length - head.Length);
    }

    /// <summary>Reads what <see cref="Create"/> wrote from the start of a text's JSON value.</summary>
    public static bool TryRead(ReadOnlySpan<byte> text, out byte phase, out long sequence, out long sentAt)
    {
        phase = text.IsEmpty ? (byte)0 : text[0];
        sequence = 0;
        sentAt = 0;
        if (text.Length < 2 || !Utf8Parser.TryParse(text[1..], out sequence, out var used))
        {
            return false;
        }

        text = text[(1 + used)..];
        return text.Length > 1 && Utf8Parser.TryParse(text[1..], out sentAt, out _);
    }
}
