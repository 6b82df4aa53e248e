using System.Text;
using System.Text.Json;

namespace Chat.Bench;

/// <summary>The little JSON reading the load generator does: find a property, take what follows.</summary>
internal static class Json
{
    /// <summary>The bytes after the first <paramref name="marker"/> in <paramref name="record"/>, or empty when it is absent.</summary>
    public static ReadOnlySpan<byte> After(ReadOnlySpan<byte> record, ReadOnlySpan<byte> marker)
    {
        var at = record.IndexOf(marker);
        return at < 0 ? default : record[(at + marker.Length)..];
    }

    /// <summary>The string value of the top-level property <paramref name="name"/>, or the whole record when there is none (for reports).</summary>
    public static string StringProperty(ReadOnlySpan<byte> record, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(record);
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(name) && reader.Read())
            {
                return reader.GetString() ?? "";
            }
        }

        return Encoding.UTF8.GetString(record);
    }
}
