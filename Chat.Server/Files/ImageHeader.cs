using System.Buffers.Binary;

namespace Chat.Server.Files;

/// <summary>
/// What the first bytes of a file say it is, when it is one of the images served inline (PNG, JPEG, GIF, WebP), with its
/// dimensions when the header holds them. A small reader of the formats' published headers, written here (no image library):
/// it decodes nothing, only reads fixed fields, so hostile input cannot make it do more than index checks.
/// </summary>
/// <param name="ContentType">The type the bytes are (<c>image/png</c>…), whatever the upload claimed.</param>
public sealed record ImageHeader(string ContentType, int? Width, int? Height)
{
    /// <summary>How much of a file's start <see cref="Read"/> looks at: enough for a JPEG's frame header behind its usual metadata.</summary>
    public const int HeadBytes = 256 * 1024;

    /// <summary>The image <paramref name="head"/> starts, or null when it is not one of the inline types.</summary>
    public static ImageHeader? Read(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            // The first chunk is IHDR: width and height, big-endian, at 16 and 20.
            return head.Length >= 24 && head[12..16].SequenceEqual("IHDR"u8)
                ? new ImageHeader("image/png", Dimension(BinaryPrimitives.ReadUInt32BigEndian(head[16..])), Dimension(BinaryPrimitives.ReadUInt32BigEndian(head[20..])))
                : new ImageHeader("image/png", null, null);
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return head.Length >= 10
                ? new ImageHeader("image/gif", BinaryPrimitives.ReadUInt16LittleEndian(head[6..]), BinaryPrimitives.ReadUInt16LittleEndian(head[8..]))
                : new ImageHeader("image/gif", null, null);
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return WebP(head);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return Jpeg(head);
        }

        return null;
    }

    /// <summary>The first chunk says how: VP8 (lossy) has 14-bit sizes after its frame tag, VP8L (lossless) packs width-1 and height-1 in 14 bits each, VP8X (extended) has 24-bit canvas sizes minus one.</summary>
    private static ImageHeader WebP(ReadOnlySpan<byte> head)
    {
        var chunk = head.Length >= 16 ? head[12..16] : [];
        if (chunk.SequenceEqual("VP8 "u8) && head.Length >= 30 && head[23] == 0x9D && head[24] == 0x01 && head[25] == 0x2A)
        {
            return new ImageHeader("image/webp", BinaryPrimitives.ReadUInt16LittleEndian(head[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(head[28..]) & 0x3FFF);
        }

        if (chunk.SequenceEqual("VP8L"u8) && head.Length >= 25 && head[20] == 0x2F)
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(head[21..]);
            return new ImageHeader("image/webp", (int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }

        if (chunk.SequenceEqual("VP8X"u8) && head.Length >= 30)
        {
            return new ImageHeader("image/webp", Uint24(head[24..]) + 1, Uint24(head[27..]) + 1);
        }

        return new ImageHeader("image/webp", null, null);
    }

    /// <summary>Walks the segments to the first frame header (SOF0 to SOF15 but DHT, JPG and DAC), which holds height then width.</summary>
    private static ImageHeader Jpeg(ReadOnlySpan<byte> head)
    {
        var at = 2;
        while (at + 4 <= head.Length)
        {
            if (head[at] != 0xFF)
            {
                break;
            }

            var marker = head[at + 1];
            if (marker == 0xFF)
            {
                at++; // fill byte
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                at += 2; // markers without a length
                continue;
            }

            if (marker is 0xD9 or 0xDA)
            {
                break; // end of image, or the compressed data begins: no frame header before it
            }

            if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))
            {
                return at + 9 <= head.Length
                    ? new ImageHeader("image/jpeg", BinaryPrimitives.ReadUInt16BigEndian(head[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(head[(at + 5)..]))
                    : new ImageHeader("image/jpeg", null, null);
            }

            at += 2 + BinaryPrimitives.ReadUInt16BigEndian(head[(at + 2)..]);
        }

        return new ImageHeader("image/jpeg", null, null);
    }

    private static int? Dimension(uint value) => value is > 0 and <= int.MaxValue ? (int)value : null;

    private static int Uint24(ReadOnlySpan<byte> bytes) => bytes[0] | (bytes[1] << 8) | (bytes[2] << 16);
}
