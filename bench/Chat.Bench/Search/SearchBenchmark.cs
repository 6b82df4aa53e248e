using System.Diagnostics;
using Chat.Bench.HistoryScale;
using Chat.Server.History;
using Chat.Server.Search;
using Microsoft.Data.Sqlite;
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
    /// <param name="SendSeconds">How long each send measurement runs.</param>
    /// <param name="SendRounds">Rounds of send measurements, with the index and without it alternately.</param>
    /// <param name="Postgres">A connection string to a PostgreSQL server whose role may create databases, or null for SQLite only.</param>
    /// <param name="SkipSqlite">Measure PostgreSQL only.</param>
    public sealed record Options(int Messages, int Queries, double SendSeconds, int SendRounds, string? Postgres, bool SkipSqlite);

    /// <summary>On SQLite, every kind of query's p99 stays under this, in milliseconds.</summary>
    private const double SqliteP99Limit = 50;

    private const int Limit = 20;

    /// <summary>The SQLite store's search triggers, while the bench has them dropped.</summary>
    private static string SqliteTriggers = "";

    private static readonly string[] Kinds = ["1 word", "2 words", "3 words", "phrase of 2"];

    /// <summary>Runs every store and prints its tables; true when SQLite met its target.</summary>
    public static async Task<bool> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine(Invariant(
            $"search: {options.Messages:N0} messages of 6 to 14 words (vocabulary {Vocabulary:N0}, Zipf-like), round-robin over 100 rooms and 100 direct conversations; {options.Queries} timed queries of each kind (after as many warm-up ones) over all 201 conversations of one user, newest {Limit}; sends for {options.SendSeconds:0.#} s each, {options.SendRounds} rounds"));
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
                await SendsAsync(history, store, options, output, cancellationToken);
            }
            finally
            {
                switch (store)
                {
                    case IAsyncDisposable disposable:
                        await disposable.DisposeAsync();
                        break;
                    case IDisposable disposable:
                        disposable.Dispose();
                        break;
                }
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

    /// <summary>
    /// Messages committed per second by one writer, with the index and without it on the same store, alternately (the machine's
    /// load moves; each figure is the median of the rounds).
    /// </summary>
    private static async Task SendsAsync(ScratchHistory history, IHistoryStore store, Options options, TextWriter output, CancellationToken cancellationToken)
    {
        var with = new List<(double One, double Hundred)>();
        var without = new List<(double One, double Hundred)>();
        for (var round = 0; round < options.SendRounds; round++)
        {
            if (round > 0)
            {
                await SwitchIndexAsync(history, on: true, cancellationToken);
            }

            with.Add((await AppendRateAsync(store, 1, options, cancellationToken), await AppendRateAsync(store, 100, options, cancellationToken)));
            await SwitchIndexAsync(history, on: false, cancellationToken);
            without.Add((await AppendRateAsync(store, 1, options, cancellationToken), await AppendRateAsync(store, 100, options, cancellationToken)));
        }

        var (with1, with100) = (Stats.Median(with.Select(w => w.One)), Stats.Median(with.Select(w => w.Hundred)));
        var (without1, without100) = (Stats.Median(without.Select(w => w.One)), Stats.Median(without.Select(w => w.Hundred)));
        output.WriteLine();
        output.WriteLine(Invariant($"| {history.Backend}: send path (one writer, medians of {options.SendRounds} alternating rounds of {options.SendSeconds:0.#} s) | with the index | without it | cost |"));
        output.WriteLine("| --- | ---: | ---: | ---: |");
        output.WriteLine(Invariant($"| commits of 1 message | {with1:N0} messages/s | {without1:N0} messages/s | {1 - with1 / without1:P0} |"));
        output.WriteLine(Invariant($"| commits of 100 messages | {with100:N0} messages/s | {without100:N0} messages/s | {1 - with100 / without100:P0} |"));
        output.WriteLine(Invariant($"rounds (1 / 100 per commit), with: {string.Join("; ", with.Select(w => $"{w.One:N0} / {w.Hundred:N0}"))}; without: {string.Join("; ", without.Select(w => $"{w.One:N0} / {w.Hundred:N0}"))}"));
    }

    private static async Task<double> AppendRateAsync(IHistoryStore store, int batchSize, Options options, CancellationToken cancellationToken)
    {
        var random = new Random(batchSize);
        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (clock.Elapsed.TotalSeconds < options.SendSeconds)
        {
            var batch = new NewMessage[batchSize];
            for (var i = 0; i < batchSize; i++)
            {
                batch[i] = new NewMessage(HistoryScale.HistorySeed.Room(random.Next(HistorySeed.Rooms)), HistorySeed.Writer, Text(options.Messages + random.Next(1_000_000)));
            }

            await store.AppendAsync(batch, DateTime.UtcNow, cancellationToken);
            sent += batchSize;
        }

        return sent / clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Bench only: the store's writes without the search index (SQLite: its triggers dropped; PostgreSQL: its GIN index dropped),
    /// or with it again (SQLite: the triggers back, the messages written meanwhile left out of the index; PostgreSQL: the index built again).
    /// </summary>
    private static async Task SwitchIndexAsync(ScratchHistory history, bool on, CancellationToken cancellationToken)
    {
        if (history.IsSqlite)
        {
            await using var connection = new SqliteConnection(history.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            if (!on)
            {
                // The triggers as the schema made them, to make them again.
                command.CommandText = "SELECT group_concat(sql, ';' || char(10)) || ';' FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'messages_search_%';";
                SqliteTriggers = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
            }

            command.CommandText = on ? SqliteTriggers : "DROP TRIGGER messages_search_insert; DROP TRIGGER messages_search_delete; DROP TRIGGER messages_search_update;";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            await using var connection = new NpgsqlConnection(history.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(on ? "CREATE INDEX chat_messages_search ON chat_messages USING gin (search);" : "DROP INDEX chat_messages_search;", connection) { CommandTimeout = 600 };
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
