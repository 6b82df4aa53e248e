using System.Text.Json;
using Chat.Server.Search;

namespace Chat.Server.History.Sqlite;

/// <summary>
/// Search over the FTS5 index (schema steps 7 and 9): the index holds the messages up to search_progress.indexed_to, moved
/// into it in batches behind the commits (<see cref="IndexSearchAsync"/>); the few committed since are read from the table
/// and checked here by the same rule (<see cref="SearchText.Matches"/>), so a message is found as soon as it is committed.
/// </summary>
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

        // The index's rows match by construction; the ones not yet in it are checked here. Newer than any in the index, they come first.
        return [.. found.Where(message => SearchText.Matches(message.Text, request.Terms)).OrderByDescending(message => message.Id).Take(request.Limit)];
    }

    public bool IndexesSearchLater => true;

    /// <summary>
    /// Moves up to <paramref name="max"/> of the messages committed since the last call into the FTS5 index, in one
    /// transaction (FTS5 writes a segment per transaction: a thousand messages at once cost a small part of what a thousand
    /// commits of one did); returns how many.
    /// </summary>
    public async Task<int> IndexSearchAsync(int max, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        long from, to;
        int count;
        await using (var reader = await Prepared(transaction, SqliteSql.SearchBacklog, ("$max", max)).ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (from, count) = (reader.GetInt64(0), reader.GetInt32(2));
            to = count == 0 ? from : reader.GetInt64(1);
        }

        if (count > 0)
        {
            await ExecuteAsync(transaction, SqliteSql.IndexSearch, cancellationToken, ("$from", from), ("$to", to));
            await ExecuteAsync(transaction, SqliteSql.SearchIndexed, cancellationToken, ("$to", to));
            await transaction.CommitAsync(cancellationToken);
        }

        return count;
    }

    /// <summary>
    /// The FTS5 query: every term quoted (a phrase keeps its words in a row), the prefix one followed by <c>*</c>, all of
    /// them required. Terms hold only letters and digits, so the quotes are all the escaping needed.
    /// </summary>
    internal static string Match(IReadOnlyList<SearchTerm> terms) =>
        string.Join(' ', terms.Select(term => $"\"{string.Join(' ', term.Words).Replace("\"", "\"\"", StringComparison.Ordinal)}\"{(term.Prefix ? "*" : "")}"));
}
