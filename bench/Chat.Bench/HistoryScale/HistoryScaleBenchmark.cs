using System.Diagnostics;
using System.Globalization;
using Chat.Server.History;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench.HistoryScale;

/// <summary>
/// <c>chat-bench history-scale</c>: that reading a user's conversations costs per conversation, not per stored message.
/// For each store (SQLite; PostgreSQL when given), a small and a big history are seeded directly (<see cref="HistorySeed"/>),
/// Chat.Server is started on each, and the reader's calls are timed one at a time after a warm-up; one table per store
/// compares the two sizes.
/// </summary>
internal static class HistoryScaleBenchmark
{
    /// <param name="Messages">Messages in the big history.</param>
    /// <param name="SmallMessages">Messages in the small one, the yardstick.</param>
    /// <param name="Calls">Timed calls of each kind in a round (and as many warm-up ones before the first).</param>
    /// <param name="Rounds">How many rounds of timed calls; the table gives the median of each figure.</param>
    /// <param name="Postgres">A connection string to a PostgreSQL server whose role may create databases, or null for SQLite only.</param>
    /// <param name="Keep">Leave the seeded stores in place and print where they are.</param>
    public sealed record Options(int Messages, int SmallMessages, int Calls, int Rounds, string? Postgres, bool Keep);

    /// <summary>p99 at the big size may be at most this many times p99 at the small one.</summary>
    private const double RatioLimit = 1.5;

    /// <summary>On SQLite, every call's p99 at the big size stays under this, in milliseconds.</summary>
    private const double SqliteP99Limit = 20;

    /// <summary>The room read and written in, one of the reader's.</summary>
    private static readonly string ReadRoom = HistorySeed.Room(0);

    private static readonly string SendRoom = HistorySeed.Room(1);

    /// <summary>Where the warm-up calls' numbers start, so that their new rooms are not the timed calls'.</summary>
    private const int WarmUpNumbers = 50_000;

    /// <summary>
    /// The measured calls, in the table's order: a label, whether it joins a room (warmed up by another user, so that the
    /// reader's conversations stay as seeded), and one call (its number given) on a connection.
    /// </summary>
    private static readonly (string Label, bool Joins, Func<HubConnection, int, CancellationToken, Task> Invoke)[] Calls =
    [
        ($"{nameof(IChatHub.GetRooms)}()", false, (c, _, t) => c.InvokeAsync<RoomSummary[]>(nameof(IChatHub.GetRooms), t)),
        ($"{nameof(IChatHub.GetMissedMessages)}(0, 100)", false, (c, _, t) => c.InvokeAsync<ChatMessage[]>(nameof(IChatHub.GetMissedMessages), 0L, 100, t)),
        ($"{nameof(IChatHub.GetRoomHistory)}({ReadRoom}, null, 100)", false, (c, _, t) => c.InvokeAsync<ChatMessage[]>(nameof(IChatHub.GetRoomHistory), ReadRoom, null, 100, t)),
        ($"{nameof(IChatHub.JoinRoom)}(a new room)", true, (c, n, t) => c.InvokeAsync<RoomSummary>(nameof(IChatHub.JoinRoom), NewRoom(n), t)),
        ($"{nameof(IChatHub.SendToRoom)}({SendRoom}, text, null)", false, (c, n, t) => c.InvokeAsync<ChatMessage>(nameof(IChatHub.SendToRoom), SendRoom, $"timed message {n}", null, t)),
    ];

    /// <summary>p50 and p99 of one call's times, in milliseconds.</summary>
    private readonly record struct Times(double P50, double P99);

    /// <summary>Runs every store at both sizes and prints their tables; true when every call met its target.</summary>
    public static async Task<bool> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"history-scale: {HistorySeed.Rooms} rooms and {HistorySeed.Rooms} direct conversations, messages round-robin over them, '{HistorySeed.Reader}' in all with everything unread; " +
            $"{options.SmallMessages:N0} and {options.Messages:N0} messages; {options.Rounds} rounds of {options.Calls} timed calls of each kind, one at a time, after {options.Calls} warm-up ones"));
        var stores = new List<Func<Task<ScratchHistory>>> { () => Task.FromResult(ScratchHistory.Sqlite()) };
        if (options.Postgres is { } admin)
        {
            stores.Add(() => ScratchHistory.PostgresAsync(admin, cancellationToken));
        }

        var met = true;
        foreach (var create in stores)
        {
            var (backend, small) = await MeasureAsync(create, options.SmallMessages, options, output, cancellationToken);
            var (_, big) = await MeasureAsync(create, options.Messages, options, output, cancellationToken);
            met &= WriteTable(backend, options, small, big, output);
        }

        return met;
    }

    /// <summary>Seeds a fresh store of <paramref name="messages"/>, starts Chat on it and times every call.</summary>
    private static async Task<(string Backend, Times[] Times)> MeasureAsync(
        Func<Task<ScratchHistory>> create, int messages, Options options, TextWriter output, CancellationToken cancellationToken)
    {
        // Chat keeps every seeded message: each conversation holds a 200th of them, and the limit is per conversation.
        var maxMessages = Math.Max(100_000, messages);
        await using var history = await create();
        history.Keep = options.Keep;
        output.WriteLine();
        var seeding = await HistorySeed.SeedAsync(history, messages, new Retention(maxMessages), cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{history.Backend}, {messages:N0} messages: seeded in {seeding.TotalSeconds:F1} s ({messages / seeding.TotalSeconds:N0} messages/s){(options.Keep ? $"; kept: {history.ConnectionString}" : "")}"));

        await using var server = await BenchServer.StartAsync(
            cancellationToken,
            "--ConnectionStrings:Chat", history.ConnectionString,
            "--Chat:History:MaxMessages", maxMessages.ToString(CultureInfo.InvariantCulture),
            "--Chat:Rooms:MaxPerUser", "100000",
            "--Chat:Rooms:MaxRooms", "1000000",
            "--Chat:Rooms:CreatePerUserPerDay", "1000000");
        await using var reader = await Stats.ConnectAsync(server.Url, HistorySeed.Reader, cancellationToken);

        // What the reader sees first, to show that the server reads the seeded store (and a first warm-up).
        var rooms = await reader.InvokeAsync<RoomSummary[]>(nameof(IChatHub.GetRooms), cancellationToken);
        var missed = await reader.InvokeAsync<ChatMessage[]>(nameof(IChatHub.GetMissedMessages), 0L, 100, cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  the reader sees {rooms.Length} conversations with {rooms.Sum(room => (long)room.Unread):N0} unread; {missed.Length} missed messages from id {missed.FirstOrDefault()?.Id}"));

        // Warm-up: every call as often as it is timed, joins by another user.
        await using (var warmer = await Stats.ConnectAsync(server.Url, "warmer", cancellationToken))
        {
            for (var n = 0; n < options.Calls; n++)
            {
                foreach (var (_, joins, invoke) in Calls)
                {
                    await invoke(joins ? warmer : reader, WarmUpNumbers + n, cancellationToken);
                }
            }
        }

        // Each kind's calls together, one at a time; the joins come after the reads, which see the seeded conversations
        // only. Twenty calls make a p99 that is their slowest one, so the block runs Rounds times and the table takes
        // the median of each figure over the rounds (each round's p99s are printed for the spread).
        var (machineBefore, serverBefore, generatorBefore, timing) = (MachineCpu.Read(), server.CpuTime, Environment.CpuUsage.TotalTime, Stopwatch.StartNew());
        var rounds = new Times[options.Rounds][];
        for (var round = 0; round < options.Rounds; round++)
        {
            rounds[round] = new Times[Calls.Length];
            for (var call = 0; call < Calls.Length; call++)
            {
                var took = new List<double>(options.Calls);
                for (var n = 0; n < options.Calls; n++)
                {
                    var start = Stopwatch.GetTimestamp();
                    await Calls[call].Invoke(reader, round * options.Calls + n, cancellationToken);
                    took.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }

                took.Sort();
                rounds[round][call] = new Times(Stats.Percentile(took, 0.50), Stats.Percentile(took, 0.99));
            }

            // Untimed: the reader leaves the round's new rooms, so every round reads the same conversations.
            for (var n = 0; n < options.Calls; n++)
            {
                await reader.InvokeAsync(nameof(IChatHub.LeaveRoom), NewRoom(round * options.Calls + n), cancellationToken);
            }
        }

        var times = new Times[Calls.Length];
        for (var call = 0; call < Calls.Length; call++)
        {
            times[call] = new Times(Stats.Median(rounds.Select(r => r[call].P50)), Stats.Median(rounds.Select(r => r[call].P99)));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {Calls[call].Label,-36} p50 {times[call].P50,7:F2} ms  p99 {times[call].P99,7:F2} ms  (medians of {options.Rounds} rounds of {options.Calls}; p99 in each round: {string.Join(' ', rounds.Select(r => r[call].P99.ToString("F1", CultureInfo.InvariantCulture)))})"));
        }

        // The machine is shared: what else ran beside the timed calls is part of their figures.
        var seconds = timing.Elapsed.TotalSeconds;
        var ours = ((server.CpuTime - serverBefore) + (Environment.CpuUsage.TotalTime - generatorBefore)).TotalSeconds / seconds;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  while timed ({seconds:F1} s): server and generator {ours:F2} cores, every other process{(history.IsSqlite ? "" : " (PostgreSQL's included)")} {Math.Max(0, MachineCpu.Read().CoresBusySince(machineBefore) - ours):F2} of {Environment.ProcessorCount}; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        return (history.Backend, times);
    }

    /// <summary>Prints one store's table; true when every call met its target.</summary>
    private static bool WriteTable(string backend, Options options, Times[] small, Times[] big, TextWriter output)
    {
        var sqlite = backend == "SQLite";
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"history-scale, {backend}: met when p99 at {options.Messages:N0} is at most {RatioLimit:0.#}x p99 at {options.SmallMessages:N0}{(sqlite ? $" and under {SqliteP99Limit:0} ms" : "")}"));
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| call | p50 / p99 at {options.SmallMessages:N0} | p50 / p99 at {options.Messages:N0} | ratio of p99 | met |"));
        output.WriteLine("| --- | ---: | ---: | ---: | --- |");
        var all = true;
        for (var call = 0; call < Calls.Length; call++)
        {
            var ratio = big[call].P99 / small[call].P99;
            var met = ratio <= RatioLimit && (!sqlite || big[call].P99 < SqliteP99Limit);
            all &= met;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {Calls[call].Label} | {small[call].P50:F2} / {small[call].P99:F2} ms | {big[call].P50:F2} / {big[call].P99:F2} ms | {ratio:F2} | {(met ? "yes" : "**no**")} |"));
        }

        return all;
    }

    /// <summary>The room call <paramref name="number"/> joins, new to the server: the warm-up's are numbered from <see cref="WarmUpNumbers"/>.</summary>
    private static string NewRoom(int number) => string.Create(CultureInfo.InvariantCulture, $"new{number:00000}");
}
