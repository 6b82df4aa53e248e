using System.Text.Json;
using Chat.Server.Search;

namespace Chat.Server.History.Sqlite;

/// <summary>Search over the FTS5 index the triggers of schema step 7 keep (<see cref="SqliteSql.Search"/>).</summary>
public sealed partial class SqliteStore
{
    public async Task<ChatMessage[]> SearchAsync(SearchRequest request, CancellationToken cancellationToken)
    {
        if (request.Conversations.Count == 0 || request.Terms.Count == 0)
        {
            return [];
        }

        var found = await ReadAsync(
            SqliteSql.Search,
            MessagesAsync,
            cancellationToken,
            ("$match", Match(request.Terms)),
            ("$rooms", JsonSerializer.Serialize(request.Conversations)),
            ("$author", request.Author),
            ("$limit", request.Limit));
        return [.. found];
    }

    /// <summary>
    /// The FTS5 query: every term quoted (a phrase keeps its words in a row), the prefix one followed by <c>*</c>, all of
    /// them required. Terms hold only letters and digits, so the quotes are all the escaping needed.
    /// </summary>
    internal static string Match(IReadOnlyList<SearchTerm> terms) =>
        string.Join(' ', terms.Select(term => $"\"{string.Join(' ', term.Words).Replace("\"", "\"\"", StringComparison.Ordinal)}\"{(term.Prefix ? "*" : "")}"));
}
