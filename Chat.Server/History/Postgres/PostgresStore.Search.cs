using Chat.Server.Search;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Server.History.Postgres;

/// <summary>Search over the GIN index of schema step 5 (<see cref="PostgresSql.Search"/>), and the filling of it on upgrade.</summary>
public sealed partial class PostgresStore
{
    /// <summary>Messages whose words one statement of the upgrade fills.</summary>
    private const int FillBatch = 5_000;

    public async Task<ChatMessage[]> SearchAsync(SearchRequest request, CancellationToken cancellationToken)
    {
        if (request.Conversations.Count == 0 || request.Terms.Count == 0)
        {
            return [];
        }

        var found = await ReadAsync(
            PostgresSql.Search,
            MessagesAsync,
            cancellationToken,
            Query(request.Terms),
            request.Conversations.Select(room => (string?)room).ToArray(),
            new NpgsqlParameter { Value = (object?)request.Author ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
            request.Limit);
        return [.. found];
    }

    /// <summary>
    /// The tsquery: every term required (<c>&amp;</c>), a phrase's words in a row (<c>&lt;-&gt;</c>), the prefix one with <c>:*</c>.
    /// Terms hold only letters and digits; each is quoted all the same.
    /// </summary>
    internal static string Query(IReadOnlyList<SearchTerm> terms) =>
        string.Join(" & ", terms.Select(term =>
        {
            var words = term.Words.Select((word, i) => $"'{word.Replace("'", "''", StringComparison.Ordinal)}'{(term.Prefix && i == term.Words.Length - 1 ? ":*" : "")}");
            return term.Words.Length == 1 ? words.Single() : $"({string.Join(" <-> ", words)})";
        }));

    /// <summary>chat_messages.search, made by <see cref="PostgresSchema.SearchStep"/>, filled for the messages stored before it.</summary>
    private static async Task FillSearchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var after = 0L;
        while (true)
        {
            var ids = new List<long>(FillBatch);
            var words = new List<string?>(FillBatch);
            await using (var read = new NpgsqlCommand(PostgresSql.Unsearched, connection, transaction))
            {
                read.Parameters.Add(Parameter(after));
                read.Parameters.Add(Parameter(FillBatch));
                await using var reader = await read.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetInt64(0));
                    words.Add(SearchText.Indexed(reader.GetString(1)));
                }
            }

            if (ids.Count == 0)
            {
                return;
            }

            await using var write = new NpgsqlCommand(PostgresSql.Searchable, connection, transaction);
            write.Parameters.Add(Parameter(ids.ToArray()));
            write.Parameters.Add(Parameter(words.ToArray()));
            await write.ExecuteNonQueryAsync(cancellationToken);
            after = ids[^1];
        }
    }
}
