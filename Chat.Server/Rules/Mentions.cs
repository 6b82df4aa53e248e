using System.Globalization;
using System.Text;

namespace Chat.Server.Rules;

/// <summary>
/// Mentions (SPEC section 12): <c>@name</c> in a text, where name is a user who can read the conversation, matched
/// case-insensitively after NFC, the longest such name (names may hold single spaces). Finding them takes two steps: the
/// text gives candidate names (<see cref="Candidates"/>), the store says which of them can read the conversation, and
/// <see cref="Resolve"/> keeps, for each <c>@</c>, the longest of those.
/// </summary>
public static class Mentions
{
    /// <summary>How many <c>@</c> of one text are looked at: what one send may cost the store is bounded.</summary>
    public const int MaxAts = 50;

    /// <summary>The form names are compared in.</summary>
    public static string Key(string name) => name.Normalize(NormalizationForm.FormC).ToLowerInvariant();

    /// <summary>
    /// The candidate names after each <c>@</c> that starts a word (not after a letter or digit, as in an address): each
    /// prefix of up to <see cref="UserNames.MaxLength"/> characters that ends where a word ends, in key form, with the
    /// index of its <c>@</c>.
    /// </summary>
    public static List<(int At, string Key)> Candidates(string text)
    {
        var candidates = new List<(int, string)>();
        var ats = 0;
        for (var at = text.IndexOf('@', StringComparison.Ordinal); at >= 0 && ats < MaxAts; at = text.IndexOf('@', at + 1))
        {
            if (at > 0 && char.IsLetterOrDigit(text[at - 1]))
            {
                continue;
            }

            ats++;
            var start = at + 1;
            var end = Math.Min(text.Length, start + UserNames.MaxLength);
            for (var length = 1; start + length <= end; length++)
            {
                var last = text[start + length - 1];
                var next = start + length < text.Length ? text[start + length] : ' ';
                if (char.IsWhiteSpace(last) || char.IsHighSurrogate(last) || (char.IsLetterOrDigit(next) && char.IsLetterOrDigit(last)) || IsMark(next))
                {
                    continue;
                }

                candidates.Add((at, Key(text.Substring(start, length))));
            }
        }

        return candidates;
    }

    /// <summary>
    /// The users <paramref name="text"/> mentions among those who can read the conversation <paramref name="key"/> (a direct
    /// conversation's two users; otherwise the store says which candidates can); null for none. Both the hub and the server API post this way.
    /// </summary>
    public static async Task<string[]?> InAsync(History.IConversationStore store, string key, string text, CancellationToken cancellationToken)
    {
        var candidates = Candidates(text);
        if (candidates.Count == 0)
        {
            return null;
        }

        var readers = Rooms.Conversation.TryParseDirect(key, out var first, out var second)
            ? [first, second]
            : await store.ReadersAsync(key, [.. candidates.Select(candidate => candidate.Key).Distinct(StringComparer.Ordinal)], cancellationToken);
        return Resolve(candidates, readers);
    }

    /// <summary>
    /// The users mentioned, each once, in order of first mention: for each <c>@</c>, the longest candidate among
    /// <paramref name="readers"/> (the names that can read the conversation); null for none.
    /// </summary>
    public static string[]? Resolve(List<(int At, string Key)> candidates, IEnumerable<string> readers)
    {
        var byKey = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var reader in readers)
        {
            byKey.TryAdd(Key(reader), reader);
        }

        var mentioned = new List<string>();
        foreach (var at in candidates.GroupBy(candidate => candidate.At))
        {
            // Candidates of one @ come shortest first.
            foreach (var (_, key) in at.Reverse())
            {
                if (byKey.TryGetValue(key, out var name))
                {
                    if (!mentioned.Contains(name, StringComparer.Ordinal))
                    {
                        mentioned.Add(name);
                    }

                    break;
                }
            }
        }

        return mentioned.Count == 0 ? null : [.. mentioned];
    }

    private static bool IsMark(char c) => CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}
