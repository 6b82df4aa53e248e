using Chat.Server.Rules;

namespace Chat.Server.Search;

/// <summary>One thing a message must contain: a word (the query's last one also as a prefix), or a phrase (its words in a row). Words are keys (<see cref="SearchText.Key"/>).</summary>
public sealed record SearchTerm(string[] Words, bool Prefix);

/// <summary>
/// A search as typed (SPEC section 14): words that must all match, the last one also as a prefix; <c>"a phrase"</c>;
/// <c>from:NAME</c> (<c>from:"ann lee"</c> for a name with spaces); <c>in:#room</c> or <c>in:@user</c>. Refused with a sentence that says what is allowed.
/// </summary>
public sealed record SearchQuery(IReadOnlyList<SearchTerm> Terms, string? From, string? In)
{
    public const int MaxLength = 200;

    public const int MaxTerms = 10;

    public const int MaxLimit = 100;

    private const string Allowed =
        "Search for words (letters or digits; the last one also matches as a prefix), \"a phrase\" in double quotes, and optionally from:NAME and in:#room or in:@user";

    /// <summary>Throws unless <paramref name="limit"/> is 1 to <see cref="MaxLimit"/>.</summary>
    public static void CheckLimit(int limit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            throw new InputRejectedException("invalid_limit", $"The search limit {limit} is out of range; ask for 1 to {MaxLimit} results.");
        }
    }

    /// <summary>Reads <paramref name="query"/>; throws <see cref="InputRejectedException"/> for one that is empty, too long, or names a user or room twice.</summary>
    public static SearchQuery Parse(string? query)
    {
        if (query is { Length: > MaxLength })
        {
            throw new InputRejectedException("search_too_long", $"A search is at most {MaxLength} characters; yours has {query.Length}. {Allowed}.");
        }

        var terms = new List<SearchTerm>();
        string? from = null;
        string? conversation = null;
        var lastIsWord = false;
        var text = query ?? "";
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }

            if (text[i] == '"')
            {
                var end = text.IndexOf('"', i + 1);
                end = end < 0 ? text.Length : end;
                var words = Keys(text[(i + 1)..end]);
                if (words.Length > 0)
                {
                    terms.Add(new SearchTerm(words, Prefix: false));
                    lastIsWord = false;
                }

                i = end + 1;
                continue;
            }

            // A user name may hold single spaces: from:"ann lee".
            if (string.Compare(text, i, "from:\"", 0, 6, StringComparison.OrdinalIgnoreCase) == 0)
            {
                var close = text.IndexOf('"', i + 6);
                close = close < 0 ? text.Length : close;
                from = from is null ? text[(i + 6)..close] : throw Twice("from:");
                i = close + 1;
                continue;
            }

            var stop = i;
            while (stop < text.Length && !char.IsWhiteSpace(text[stop]) && text[stop] != '"')
            {
                stop++;
            }

            var token = text[i..stop];
            i = stop;
            if (token.StartsWith("from:", StringComparison.OrdinalIgnoreCase) && token.Length > 5)
            {
                from = from is null ? token[5..] : throw Twice("from:");
            }
            else if (token.StartsWith("in:", StringComparison.OrdinalIgnoreCase) && token.Length > 3)
            {
                conversation = conversation is null ? token[3..] : throw Twice("in:");
            }
            else
            {
                foreach (var word in Keys(token))
                {
                    terms.Add(new SearchTerm([word], Prefix: false));
                    lastIsWord = true;
                }
            }
        }

        if (terms.Count == 0)
        {
            throw new InputRejectedException("search_empty", $"There is nothing to search for. {Allowed}; at most {MaxLength} characters.");
        }

        if (terms.Count > MaxTerms)
        {
            throw new InputRejectedException("search_too_many_terms", $"A search has at most {MaxTerms} words and phrases; yours has {terms.Count}.");
        }

        if (lastIsWord)
        {
            terms[^1] = terms[^1] with { Prefix = true };
        }

        return new SearchQuery(terms, from, conversation);
    }

    private static string[] Keys(string text) => [.. SearchText.Words(text).Select(word => word.Key)];

    private static InputRejectedException Twice(string what) =>
        new("search_twice", $"A search names at most one {what} (one user, one conversation); search again with one.");
}
