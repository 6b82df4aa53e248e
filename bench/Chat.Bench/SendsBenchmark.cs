using System.Globalization;
using Chat.Bench.HistoryScale;
using Chat.Bench.Search;
using Chat.Server.History;
using Microsoft.Data.Sqlite;

namespace Chat.Bench;

/// <summary>
/// Acked sends per second: each sender awaits every ack before its next send (for Chat an ack means committed). Every
/// sender also receives every message, and checks it. Chat against the bare hub, or Chat with its search index against
/// the same build without it (<see cref="SearchIndexSwitch"/>), each run on a fresh store.
/// </summary>
internal static class SendsBenchmark
{
    /// <summary>What Chat is compared with.</summary>
    public enum Against
    {
        BareHub,
        NoSearchIndex,
    }

    /// <param name="Postgres">With <see cref="Against.NoSearchIndex"/>: a connection string whose role may create databases, to measure PostgreSQL instead of SQLite.</param>
    public sealed record Options(int Rounds, int[] Senders, TimeSpan Duration, int TextLength, TimeSpan WarmUp, Against Against = Against.BareHub, string? Postgres = null);

    public static async Task RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        var store = options.Postgres is null ? "SQLite" : "PostgreSQL";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"acked sends: {options.Rounds} alternating rounds, each sender awaits its ack before the next send, {options.TextLength}-character texts, sending for {options.Duration.TotalSeconds:0.#} s per run; {(options.Against == Against.BareHub ? "Chat (SQLite) against the bare hub" : $"Chat ({store}) with its search index against the same build without it, a fresh store each run")}"));
        var comparisons = new List<(int Senders, Comparison<FanoutBenchmark.Result> Results)>();
        foreach (var senders in options.Senders)
        {
            var fanout = new FanoutBenchmark.Options(options.Rounds, [senders], options.Duration, senders, Window: 1, options.TextLength, options.WarmUp);
            string Describe(FanoutBenchmark.Result r) => string.Create(
                CultureInfo.InvariantCulture,
                $"{senders,3} sender(s) {r.AckedPerSecond,9:N0} acked/s  CPU per delivery: generator {r.GeneratorMicros:F2} µs, server {r.ServerMicros:F2} µs  {r.Checks}");
            Comparison<FanoutBenchmark.Result> comparison;
            if (options.Against == Against.BareHub)
            {
                comparison = new Comparison<FanoutBenchmark.Result>(output);
                await comparison.RunAsync(options.Rounds, kind => FanoutBenchmark.MeasureAsync(kind, senders, fanout, cancellationToken), Describe);
            }
            else
            {
                comparison = new Comparison<FanoutBenchmark.Result>(output, "index", "no index");
                await comparison.AlternateAsync(options.Rounds, withIndex => MeasureOnFreshStoreAsync(withIndex, senders, fanout, options, output, cancellationToken), Describe);
            }

            comparisons.Add((senders, comparison));
        }

        comparisons[0].Results.Header("acked sends (medians)");
        foreach (var (senders, results) in comparisons)
        {
            results.Median($"{senders} concurrent sender(s): acked sends/s", r => r.AckedPerSecond, "N0");
            results.Median($"{senders} concurrent sender(s): server CPU per delivery", r => r.ServerMicros, "F2", " µs");
            results.Text($"{senders} concurrent sender(s): missing / duplicated / reordered / unacked (all rounds)", runs => DeliveryChecks.Total(runs.Select(r => r.Checks)));
        }
    }

    /// <summary>One run of Chat on a new store made by the server's own schema, its search index switched off first when asked.</summary>
    private static async Task<FanoutBenchmark.Result> MeasureOnFreshStoreAsync(
        bool withIndex, int senders, FanoutBenchmark.Options fanout, Options options, TextWriter output, CancellationToken cancellationToken)
    {
        await using var history = options.Postgres is { } admin ? await ScratchHistory.PostgresAsync(admin, cancellationToken) : ScratchHistory.Sqlite();
        var store = history.Open(new Retention(100_000));
        try
        {
            await store.InitializeAsync(cancellationToken);
        }
        finally
        {
            await ScratchHistory.CloseAsync(store);
        }

        if (!withIndex)
        {
            await SearchIndexSwitch.OffAsync(history, cancellationToken);
        }

        await using var server = await BenchServer.StartAsync(
            cancellationToken,
            "--ConnectionStrings:Chat", history.ConnectionString,
            "--Chat:MaxMessageLength", Math.Max(2000, options.TextLength).ToString(CultureInfo.InvariantCulture));
        var result = await FanoutBenchmark.MeasureAsync(ServerKind.Chat, senders, fanout, cancellationToken, on: server);
        if (withIndex && history.IsSqlite)
        {
            // The index is written behind the commits: how far behind it was when the last message arrived everywhere.
            await using var connection = new SqliteConnection(history.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var behind = connection.CreateCommand();
            behind.CommandText = "SELECT (SELECT count(*) FROM messages WHERE id > p.indexed_to), (SELECT count(*) FROM messages) FROM search_progress AS p;";
            await using var reader = await behind.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  after the run: {reader.GetInt64(0):N0} of {reader.GetInt64(1):N0} messages not yet in the search index"));
        }

        return result;
    }
}
