using System.Globalization;
using System.Text;

namespace Chat.Server.Rules;

/// <summary>
/// What a user name must look like (SPEC section 3): 1 to 32 characters after NFC normalization, nothing
/// invisible or direction-changing, single spaces between words only, at least one letter or digit, and no
/// Latin letters mixed with Cyrillic or Greek ones. The rules are there so that no name can pass for another
/// on screen: <c>alice</c> followed by a zero-width space, <c>аlice</c> with a Cyrillic a, or a right-to-left
/// override that shows <c>ecila</c> as <c>alice</c>.
/// </summary>
public static class UserNames
{
    public const int MaxLength = 32;

    /// <summary>The name in NFC, as the server stores and compares it; throws <see cref="InputRejectedException"/> for one the rules refuse.</summary>
    public static string Normalize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw Refused($"The user name is empty. Choose a name of 1 to {MaxLength} characters.");
        }

        if (HasBrokenSurrogate(name))
        {
            throw Refused("The user name is not valid Unicode text (it has a broken surrogate pair).");
        }

        name = name.Normalize(NormalizationForm.FormC);

        var length = 0;
        var hasLetterOrDigit = false;
        var scripts = Script.None;
        foreach (var rune in name.EnumerateRunes())
        {
            length++;
            var category = Rune.GetUnicodeCategory(rune);
            switch (category)
            {
                case UnicodeCategory.Control:
                    throw Refused("The user name contains control characters (such as tabs or line breaks); use letters, digits, spaces and punctuation.");
                case UnicodeCategory.Format:
                    throw Refused($"The user name contains an invisible formatting character (U+{rune.Value:X4}, such as a zero-width space or a direction override); remove it.");
                case UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator when rune.Value != ' ':
                    throw Refused($"The user name contains a special space (U+{rune.Value:X4}); use plain spaces only.");
                case UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned:
                    throw Refused($"The user name contains a character that has no meaning in Unicode (U+{rune.Value:X4}); remove it.");
            }

            if (Rune.IsLetterOrDigit(rune))
            {
                hasLetterOrDigit = true;
            }

            if (Rune.IsLetter(rune))
            {
                scripts |= ScriptOf(rune.Value);
            }
        }

        if (length > MaxLength)
        {
            throw Refused($"The user name is {length} characters long; at most {MaxLength} are allowed.");
        }

        if (name[0] == ' ' || name[^1] == ' ')
        {
            throw Refused("The user name starts or ends with a space; remove it.");
        }

        if (name.Contains("  ", StringComparison.Ordinal))
        {
            throw Refused("The user name has two spaces in a row; use single spaces between words.");
        }

        if (!hasLetterOrDigit)
        {
            throw Refused("The user name needs at least one letter or digit.");
        }

        if (scripts is not (Script.None or Script.Latin or Script.Cyrillic or Script.Greek))
        {
            throw Refused("The user name mixes Latin letters with Cyrillic or Greek ones (or Cyrillic with Greek), which lets one name pass for another; write it in one alphabet.");
        }

        return name;
    }

    private static bool HasBrokenSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static InputRejectedException Refused(string message) => new("invalid_user", message);

    /// <summary>The alphabet of a letter, for the three that share look-alike letters; the rest are <see cref="Script.None"/>.</summary>
    private static Script ScriptOf(int c) => c switch
    {
        <= 0x024F or (>= 0x1E00 and <= 0x1EFF) or (>= 0x2C60 and <= 0x2C7F) or (>= 0xA720 and <= 0xA7FF) or (>= 0xAB30 and <= 0xAB6F)
            or (>= 0xFF21 and <= 0xFF3A) or (>= 0xFF41 and <= 0xFF5A) => Script.Latin,
        (>= 0x0370 and <= 0x03FF) or (>= 0x1F00 and <= 0x1FFF) => Script.Greek,
        (>= 0x0400 and <= 0x052F) or (>= 0x1C80 and <= 0x1C8F) or (>= 0x2DE0 and <= 0x2DFF) or (>= 0xA640 and <= 0xA69F) => Script.Cyrillic,
        _ => Script.None,
    };

    [Flags]
    private enum Script
    {
        None = 0,
        Latin = 1,
        Greek = 2,
        Cyrillic = 4,
    }
}
