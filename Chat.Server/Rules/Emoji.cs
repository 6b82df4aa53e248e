using System.Globalization;
using System.Text;

namespace Chat.Server.Rules;

/// <summary>What a reaction may be: one emoji (SPEC section 12).</summary>
public static class Emoji
{
    /// <summary>Most UTF-16 code units of one emoji (long enough for family and flag sequences).</summary>
    public const int MaxLength = 32;

    private const int VariationSelector16 = 0xFE0F;
    private const int ZeroWidthJoiner = 0x200D;
    private const int CombiningKeycap = 0x20E3;

    /// <summary>
    /// Throws a <see cref="InputRejectedException"/> unless <paramref name="emoji"/> is one grapheme cluster of emoji: a
    /// pictograph (Unicode category So, or a symbol or punctuation shown as emoji by U+FE0F), a keycap, or a sequence of
    /// them joined by U+200D, with skin tones, variation selectors and tags (subdivision flags).
    /// </summary>
    public static void Check(string? emoji)
    {
        if (!IsOne(emoji))
        {
            throw new InputRejectedException(
                "invalid_emoji",
                $"A reaction is one emoji (such as 👍 or 🎉; skin tones and joined emoji count as one), at most {MaxLength} UTF-16 units; \"{Shown(emoji)}\" is not.");
        }
    }

    public static bool IsOne(string? emoji)
    {
        if (string.IsNullOrEmpty(emoji) || emoji.Length > MaxLength || StringInfo.GetNextTextElementLength(emoji) != emoji.Length)
        {
            return false;
        }

        var runes = emoji.EnumerateRunes().ToArray();
        if (runes.Length == 0 || !Starts(runes))
        {
            return false;
        }

        for (var i = 1; i < runes.Length; i++)
        {
            var value = runes[i].Value;
            var fits = value is VariationSelector16 or ZeroWidthJoiner or CombiningKeycap
                || value is >= 0x1F3FB and <= 0x1F3FF // skin tones
                || value is >= 0xE0020 and <= 0xE007F // tags
                || (IsRegionalIndicator(value) && i == 1 && IsRegionalIndicator(runes[0].Value)) // a flag: two regional indicators
                || (runes[i - 1].Value == ZeroWidthJoiner && Starts(runes.AsSpan(i)));
            if (!fits)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether an emoji starts here: a pictograph, a symbol shown as emoji, or a keycap's digit, # or *.</summary>
    private static bool Starts(ReadOnlySpan<Rune> runes)
    {
        var first = runes[0];
        var presented = runes.Length > 1 && runes[1].Value == VariationSelector16;
        if (first.Value is (>= '0' and <= '9') or '#' or '*')
        {
            return runes.Length > 1 && (runes[1].Value == CombiningKeycap || (presented && runes.Length > 2 && runes[2].Value == CombiningKeycap));
        }

        return Rune.GetUnicodeCategory(first) switch
        {
            UnicodeCategory.OtherSymbol => true,
            UnicodeCategory.MathSymbol or UnicodeCategory.OtherPunctuation or UnicodeCategory.DashPunctuation => presented,
            _ => false,
        };
    }

    private static bool IsRegionalIndicator(int value) => value is >= 0x1F1E6 and <= 0x1F1FF;

    private static string Shown(string? emoji) => emoji is null ? "null" : emoji.Length > MaxLength ? emoji[..MaxLength] + "…" : emoji;
}
