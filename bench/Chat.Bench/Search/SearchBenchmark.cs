using System.Diagnostics;
using Chat.Bench.HistoryScale;
using Chat.Server.History;
using Chat.Server.Search;
using Npgsql;
using static Chat.Bench.Search.SearchSeed;

namespace Chat.Bench.Search;

/// <summary>
/// <c>chat-bench search</c>: search at the store on a big history (<see cref="SearchSeed"/>), per store: p50 and p99 of
/// queries of one, two and three words and of a phrase over all of a user's 201 conversations, newest 20; then the send
/// path, messages committed per second by one writer (batches of 1 and of 100), with the search index and, in the same run
/// on the same store, without it (SQLite: its triggers dropped; PostgreSQL: its GIN index dropped).
/// </summary>
internal static class SearchBenchmark
{
    /// <param name="Messages">Messages seeded.</param>
    /// <param name="Queries">Timed queries of each kind (after as many warm-up ones).</param>
    /// <param name="Postgres">A connection string to a PostgreSQL server whose role may create databases, or null for SQLite only.</param>
    /// <param name="SkipSqlite">Measure PostgreSQL only.</param>
    public sealed record Options(int Messages, int Queries, string? Postgres, bool SkipSqlite);

    /// <summary>On SQLite, every kind of query's p99 stays under this, in milliseconds.</summary>
    private const double SqliteP99Limit = 50;

    private const int Limit = 20;

    private static readonly string[] Kinds = ["1 word", "2 words", "3 words", "phrase of 2"];

    /// <summary>Runs every store and prints its tables; true when SQLite met its target.</summary>
    public static async Task<bool> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine(Invariant(
            $"search: {options.Messages:N0} messages of 6 to 14 words (vocabulary {Vocabulary:N0}, Zipf-like), round-robin over 100 rooms and 100 direct conversations; {options.Queries} timed queries of each kind (after as many warm-up ones) over all 201 conversations of one user, newest {Limit} (what the index costs acked sends: chat-bench sends --against no-search-index)"));
        var stores = new List<Func<Task<ScratchHistory>>>();
        if (!options.SkipSqlite)
        {
            stores.Add(() => Task.FromResult(ScratchHistory.Sqlite()));
        }

        if (options.Postgres is { } admin)
        {
            stores.Add(() => ScratchHistory.PostgresAsync(admin, cancellationToken));
        }

        var met = true;
        foreach (var create in stores)
        {
            await using var history = await create();
            var store = history.Open(new Retention(Math.Max(100_000, options.Messages)));
            try
            {
                var seeding = await SeedAsync(store, options.Messages, cancellationToken);
                output.WriteLine();
                output.WriteLine(Invariant($"{history.Backend}: seeded {options.Messages:N0} messages in {seeding.TotalSeconds:F1} s ({options.Messages / seeding.TotalSeconds:N0} messages/s, index included)"));
                if (!history.IsSqlite)
                {
                    // What autovacuum does after a load like this one: the planner's statistics, the search vector's included.
                    await using var connection = new NpgsqlConnection(history.ConnectionString);
                    await connection.OpenAsync(cancellationToken);
                    await using var analyze = new NpgsqlCommand("ANALYZE;", connection) { CommandTimeout = 600 };
                    await analyze.ExecuteNonQueryAsync(cancellationToken);
                }

                met &= await QueriesAsync(history, store, options, output, cancellationToken);
            }
            finally
            {
                await ScratchHistory.CloseAsync(store);
            }
        }

        return met;
    }

    private static async Task<bool> QueriesAsync(ScratchHistory history, IHistoryStore store, Options options, TextWriter output, CancellationToken cancellationToken)
    {
        var conversations = Conversations;
        var random = new Random(7);
        var queries = Kinds.Select(kind => Enumerable.Range(0, 2 * options.Queries).Select(_ => Query(kind, random, options.Messages)).ToArray()).ToArray();
        output.WriteLine();
        output.WriteLine(Invariant($"| {history.Backend}: query ({options.Messages:N0} messages) | p50 | p99 | hits (median) | slowest |"));
        output.WriteLine("| --- | ---: | ---: | ---: | --- |");
        var met = true;
        for (var kind = 0; kind < Kinds.Length; kind++)
        {
            var took = new List<double>();
            var hits = new List<double>();
            var slowest = (Took: 0.0, Query: "");
            for (var n = 0; n < queries[kind].Length; n++)
            {
                var request = new SearchRequest(conversations, SearchQuery.Parse(queries[kind][n]).Terms, null, Limit);
                var start = Stopwatch.GetTimestamp();
                var found = await store.SearchAsync(request, cancellationToken);
                var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (n >= options.Queries)
                {
                    took.Add(elapsed);
                    hits.Add(found.Length);
                    slowest = elapsed > slowest.Took ? (elapsed, queries[kind][n]) : slowest;
                }
            }

            took.Sort();
            var p99 = Stats.Percentile(took, 0.99);
            met &= !history.IsSqlite || p99 < SqliteP99Limit;
            output.WriteLine(Invariant($"| {Kinds[kind]} | {Stats.Percentile(took, 0.50):F2} ms | {p99:F2} ms | {Stats.Median(hits):0} | `{slowest.Query}` |"));
        }

        if (history.IsSqlite)
        {
            output.WriteLine(Invariant($"target: p99 under {SqliteP99Limit:0} ms on SQLite: {(met ? "met" : "**not met**")}"));
        }

        return met;
    }

    /// <summary>One query of a kind, its words taken from a random stored message (so it finds at least that one); the last word whole (it also matches as a prefix).</summary>
    private static string Query(string kind, Random random, int messages)
    {
        var words = Text(random.Next(messages)).Split(' ');
        string Pick() => words[random.Next(words.Length)];
        return kind switch
        {
            "1 word" => Pick(),
            "2 words" => $"{Pick()} {Pick()}",
            "3 words" => $"{Pick()} {Pick()} {Pick()}",
            _ => Phrase(words, random),
        };
    }

    private static string Phrase(string[] words, Random random)
    {
        var first = random.Next(words.Length - 1);
        return $"\"{words[first]} {words[first + 1]}\"";
    }
}
