using System.Globalization;
using System.Text;

namespace Chat.Server.Search;

/// <summary>
/// How search sees a text: words (runs of letters and digits; combining marks stay with their letter) compared by a key
/// without accents or case (<c>Café</c> and <c>CAFE</c> are both <c>cafe</c>). The same rule finds a word's place in a
/// message for highlights and, on PostgreSQL, makes the indexed text, so what matches is what is highlighted.
/// </summary>
public static class SearchText
{
    /// <summary>One word of a text: where it is (UTF-16) and its key.</summary>
    public readonly record struct Word(int Start, int Length, string Key);

    /// <summary>The words of <paramref name="text"/>, in order.</summary>
    public static List<Word> Words(string text)
    {
        var words = new List<Word>();
        var start = -1;
        var i = 0;
        while (i < text.Length)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed);
            var kind = Kind(Rune.GetUnicodeCategory(rune));
            if (kind == CharKind.Word || (kind == CharKind.Mark && start >= 0))
            {
                start = start < 0 ? i : start;
            }
            else if (start >= 0)
            {
                words.Add(Make(text, start, i));
                start = -1;
            }

            i += consumed;
        }

        if (start >= 0)
        {
            words.Add(Make(text, start, text.Length));
        }

        return words;
    }

    /// <summary>The keys of <paramref name="text"/>'s words, space-separated: what PostgreSQL indexes.</summary>
    public static string Indexed(string text) => string.Join(' ', Words(text).Select(word => word.Key));

    /// <summary>A word's key: decomposed, its combining marks dropped, lower case, final sigma as sigma.</summary>
    public static string Key(string word)
    {
        var decomposed = word.Normalize(NormalizationForm.FormD);
        var key = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is not (UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark))
            {
                key.Append(c);
            }
        }

        // Greek final sigma is the same letter as sigma (lower-casing ΚΑΦΕΣ gives καφεσ; typed, it is καφες).
        return key.ToString().ToLowerInvariant().Replace('ς', 'σ');
    }

    /// <summary>
    /// Where <paramref name="terms"/> match in <paramref name="text"/>: <c>[start, length]</c> of each matching word, in
    /// order, each once (a phrase: each of its words).
    /// </summary>
    public static int[][] Highlights(string text, IReadOnlyList<SearchTerm> terms)
    {
        var words = Words(text);
        var marked = new SortedSet<int>();
        foreach (var term in terms)
        {
            for (var first = 0; first + term.Words.Length <= words.Count; first++)
            {
                if (At(words, first, term))
                {
                    for (var j = 0; j < term.Words.Length; j++)
                    {
                        marked.Add(first + j);
                    }
                }
            }
        }

        return [.. marked.Select(index => new[] { words[index].Start, words[index].Length })];
    }

    /// <summary>Whether <paramref name="text"/> holds every one of <paramref name="terms"/>: what the search index finds, by the same rule.</summary>
    public static bool Matches(string text, IReadOnlyList<SearchTerm> terms)
    {
        var words = Words(text);
        return terms.All(term => Enumerable.Range(0, Math.Max(0, words.Count - term.Words.Length + 1)).Any(first => At(words, first, term)));
    }

    /// <summary>Whether <paramref name="term"/> matches the words from <paramref name="first"/> on (a prefix term's last word as a prefix).</summary>
    private static bool At(List<Word> words, int first, SearchTerm term)
    {
        for (var j = 0; j < term.Words.Length; j++)
        {
            var key = words[first + j].Key;
            var wanted = term.Words[j];
            if (!(term.Prefix && j == term.Words.Length - 1 ? key.StartsWith(wanted, StringComparison.Ordinal) : key == wanted))
            {
                return false;
            }
        }

        return true;
    }

    private enum CharKind { Word, Mark, Other }

    // Letters, digits and private-use characters make words, as SQLite FTS5's unicode61 tokenizer counts them.
    private static CharKind Kind(UnicodeCategory category) => category switch
    {
        UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter
            or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber
            or UnicodeCategory.PrivateUse => CharKind.Word,
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark => CharKind.Mark,
        _ => CharKind.Other,
    };

    private static Word Make(string text, int start, int end) => new(start, end - start, Key(text[start..end]));
}
