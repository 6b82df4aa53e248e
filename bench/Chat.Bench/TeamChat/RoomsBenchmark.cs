using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Chat.Bench.TeamChat;

/// <summary>
/// <c>chat-bench rooms</c>: team chat against Chat and against the bare hub with SignalR groups, one after the other.
/// Named users (raw WebSocket connections, <c>?user=</c>) connect, then each joins its room of <see cref="RoomSize"/>;
/// every room then gets one message a second from its members in turn (<see cref="RoomSchedule"/>). Measured: the
/// time to connect everyone and, apart, to join; connections that closed; each receiver's delivery latency of its
/// room's messages; and, on Chat, the presence frames (<c>UserJoined</c>/<c>UserLeft</c>) all of that made. Then one
/// member of each room goes away for longer than the leave grace and comes back: the frames its departure and its
/// arrival cost, now that everyone is in and the server is above its broadcast limit.
/// </summary>
internal static class RoomsBenchmark
{
    /// <param name="Users">Users, a multiple of <see cref="RoomSize"/>.</param>
    /// <param name="Duration">How long the measured schedule runs (whole seconds: one message per room each).</param>
    /// <param name="WarmUp">How long the same schedule runs before, unmeasured.</param>
    public sealed record Options(int Users, TimeSpan Duration, TimeSpan WarmUp, int TextLength);

    /// <summary>Members per room.</summary>
    public const int RoomSize = 10;

    /// <summary>Joins (and connects) in flight at once, as <see cref="RawClients"/> connects.</summary>
    private const int Parallelism = 64;

    private const double ConnectRatioLimit = 2;

    private const double PresenceLimit = 20;

    /// <summary>How long a returning member stays away: longer than Chat's leave grace (3 s), so its departure is announced.</summary>
    private static readonly TimeSpan Away = TimeSpan.FromSeconds(5);

    /// <summary>One server's run; <see cref="Failure"/> says why it stopped early, if it did.</summary>
    /// <param name="Closed">Connections closed by then: after connecting, after joining, at the end of the run.</param>
    /// <param name="Presence">Presence frames all connections received: by the end of joining, and in all.</param>
    /// <param name="Returning">Presence frames per returning member: for its departure, and for its arrival (NaN on the bare hub).</param>
    private sealed record Result(
        ServerKind Kind, double ConnectSeconds, double JoinSeconds, int JoinsFailed, (int Connected, int Joined, int End) Closed,
        double P50, double P99, double Max, (long Joined, long Total) Presence, (double Departure, double Arrival) Returning, string? Failure);

    public static async Task<bool> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rooms: {options.Users:N0} named users in {options.Users / RoomSize:N0} rooms of {RoomSize}, connected {Parallelism} at a time, then each joins its room ({Parallelism} at a time); " +
            $"each room gets 1 message/s from its members in turn ({options.Users / RoomSize:N0} messages/s in all, {options.TextLength}-character texts), {options.WarmUp.TotalSeconds:0} s warm-up, then {options.Duration.TotalSeconds:0} s measured; " +
            $"Chat, then the bare hub with SignalR groups"));
        var results = new List<Result>();
        foreach (var kind in (ServerKind[])[ServerKind.Chat, ServerKind.Baseline])
        {
            results.Add(await MeasureAsync(kind, options, output, cancellationToken));
        }

        return WriteTable(results, options, output);
    }

    private static async Task<Result> MeasureAsync(ServerKind kind, Options options, TextWriter output, CancellationToken cancellationToken)
    {
        var users = options.Users;
        var messages = (int)Math.Ceiling(options.Duration.TotalSeconds);
        var logs = Enumerable.Range(0, users).Select(_ => new DeliveryLog(messages, senders: 1, keepLatencies: true)).ToArray();
        string[] settings = kind == ServerKind.Chat ? ["--Chat:Rooms:MaxRooms", "1000000", "--Chat:Rooms:CreatePerUserPerDay", "1000000"] : [];
        var server = await BenchServer.StartAsync(kind, cancellationToken, settings);
        RawClients? clients = null;
        var returned = new List<RawConnection>();
        try
        {
            var clock = Stopwatch.StartNew();
            try
            {
                clients = await RawClients.ConnectAsync(
                    users, (i, token) => RawConnection.ConnectAsync(server.Url, User(i), logs[i], token, bufferBytes: 4096), cancellationToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return Failed(kind, string.Create(CultureInfo.InvariantCulture, $"connecting failed after {clock.Elapsed.TotalSeconds:F1} s: {failure.GetType().Name}: {failure.Message}"), output);
            }

            var connections = clients.Connections;
            var connecting = clock.Elapsed.TotalSeconds;
            var closedConnecting = connections.Count(c => c.IsClosed);
            var presenceConnected = Presence(connections);

            clock.Restart();
            var joinErrors = new ConcurrentQueue<string>();
            await Parallel.ForAsync(0, users, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (i, token) =>
            {
                if (await connections[i].CallAsync(nameof(IChatHub.JoinRoom), $"\"{RoomSchedule.Room(i / RoomSize)}\"", token) is { } error)
                {
                    joinErrors.Enqueue(error);
                }
            });
            var joining = clock.Elapsed.TotalSeconds;
            var closedJoining = connections.Count(c => c.IsClosed);
            var presenceJoined = Presence(connections);

            await RoomSchedule.RunAsync(connections, RoomSize, BenchText.WarmUp, (int)Math.Ceiling(options.WarmUp.TotalSeconds), options.TextLength, cancellationToken);
            var (machine, serverCpu, generatorCpu) = (MachineCpu.Read(), server.CpuTime, Environment.CpuUsage.TotalTime);
            clock.Restart();
            var run = await RoomSchedule.RunAsync(connections, RoomSize, BenchText.Measured, messages, options.TextLength, cancellationToken);
            await Stage.WaitUntilAsync(() => logs.All(log => log.Received >= messages), TimeSpan.FromSeconds(30), cancellationToken);
            var seconds = clock.Elapsed.TotalSeconds;
            var ours = ((server.CpuTime - serverCpu).TotalSeconds + (Environment.CpuUsage.TotalTime - generatorCpu).TotalSeconds) / seconds;
            var others = Math.Max(0, MachineCpu.Read().CoresBusySince(machine) - ours);

            var latencies = new List<double>(users * messages);
            foreach (var log in logs)
            {
                foreach (var ticks in log.Latencies)
                {
                    latencies.Add(ticks * 1000.0 / Stopwatch.Frequency);
                }
            }

            latencies.Sort();
            var closes = connections.Where(c => c.IsClosed).ToList();
            var presenceTotal = Presence(connections);
            var returning = kind == ServerKind.Chat ? await ReturnAsync(server, connections, returned, cancellationToken) : (double.NaN, double.NaN);
            var result = new Result(
                kind, connecting, joining, joinErrors.Count, (closedConnecting, closedJoining, closes.Count),
                Stats.Percentile(latencies, 0.50), Stats.Percentile(latencies, 0.99), latencies.Count == 0 ? double.NaN : latencies[^1],
                (presenceJoined, presenceTotal), returning, Failure: null);

            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{kind}: connected {users:N0} in {connecting:F1} s ({users / connecting:N0}/s); joined in {joining:F1} s, {joinErrors.Count} joins refused{(joinErrors.TryPeek(out var firstError) ? $" (first: {firstError})" : "")}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  connections closed: {closedConnecting} after connecting, {closedJoining} after joining, {closes.Count} at the end{(closes.Count > 0 ? $"; first close: {closes[0].CloseMessage ?? "no Close message (the socket dropped)"}" : "")}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  delivery latency over {latencies.Count:N0} deliveries: p50 {result.P50:F2} ms, p99 {result.P99:F2} ms, max {result.Max:F2} ms; {DeliveryChecks.Of(logs, (long)users * messages, latencies.Count, run.Sent)}; " +
                $"sends failed {run.Sent.Failed}; each send at most {run.MaxLag.TotalMilliseconds:F0} ms after its slot"));
            if (kind == ServerKind.Chat)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  presence frames (UserJoined/UserLeft) received: {presenceConnected:N0} by the end of connecting, {presenceJoined:N0} by the end of joining, {result.Presence.Total:N0} in all, {(double)result.Presence.Total / users:F2} per arrival; " +
                    $"the first user heard {connections[0].UsersJoined:N0} arrivals (of {users - 1:N0} others)"));
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  one member of each room away for {Away.TotalSeconds:0} s and back ({users / RoomSize:N0} users): {result.Returning.Departure:F2} UserLeft frames per departure, {result.Returning.Arrival:F2} UserJoined frames per arrival"));
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  during the measured run ({seconds:F1} s): server {(server.CpuTime - serverCpu).TotalSeconds / seconds:F2} cores, generator {(Environment.CpuUsage.TotalTime - generatorCpu).TotalSeconds / seconds:F2}, " +
                $"every other process {others:F2} of {Environment.ProcessorCount}; server RSS {server.ResidentBytes() / (1024.0 * 1024.0):F0} MiB; server Error/Critical log entries: {server.Log.Errors}"));
            foreach (var entry in server.Log.Entries(0).Take(3))
            {
                output.WriteLine("    | " + entry.Replace("\n", "\n    | ", StringComparison.Ordinal));
            }

            return result;
        }
        finally
        {
            // The server goes first, so it does not announce a departure for every closed connection.
            await server.DisposeAsync();
            if (clients is not null)
            {
                await clients.DisposeAsync();
            }

            await Task.WhenAll(returned.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    /// <summary>
    /// One member of each room (the second) closes its connection, stays away longer than the leave grace (so its
    /// departure is announced), and connects again (its arrival is announced once it has stayed a second): the
    /// presence frames everyone received for these, per departure and per arrival. The new connections go to
    /// <paramref name="returned"/>, to be closed with the others.
    /// </summary>
    private static async Task<(double Departure, double Arrival)> ReturnAsync(
        BenchServer server, RawConnection[] connections, List<RawConnection> returned, CancellationToken cancellationToken)
    {
        var leaving = Enumerable.Range(0, connections.Length).Where(i => i % RoomSize == 1).ToArray();
        var staying = connections.Where((_, i) => i % RoomSize != 1).ToArray();
        var (joined, left) = (staying.Sum(c => c.UsersJoined), staying.Sum(c => c.UsersLeft));
        await Task.WhenAll(leaving.Select(i => connections[i].DisposeAsync().AsTask()));
        await Task.Delay(Away, cancellationToken);

        var back = new RawConnection[leaving.Length];
        await Parallel.ForAsync(0, leaving.Length, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (n, token) =>
            back[n] = await RawConnection.ConnectAsync(server.Url, User(leaving[n]), log: null, token, bufferBytes: 4096));
        returned.AddRange(back);

        // Arrivals are announced once a user has stayed a second; give them that and the announcements time to arrive.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var arrivals = staying.Sum(c => c.UsersJoined) - joined + back.Sum(c => c.UsersJoined);
        var departures = staying.Sum(c => c.UsersLeft) - left + back.Sum(c => c.UsersLeft);
        return ((double)departures / leaving.Length, (double)arrivals / leaving.Length);
    }

    /// <summary>Prints the table and whether the targets were met (they are set for Chat at 10,000 users).</summary>
    private static bool WriteTable(List<Result> results, Options options, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rooms, {options.Users:N0} users in rooms of {RoomSize}, {options.Duration.TotalSeconds:0} s (connect s: opening every connection, joining not included; join s: every user joining its room)"));
        output.WriteLine();
        output.WriteLine("| server | connect s | join s | connections lost | p50 ms | p99 ms | presence frames per user, connecting and joining | frames per departure / arrival of a returning member |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            output.WriteLine(r.Failure is not null
                ? $"| {r.Kind} | {r.Failure} | | | | | | |"
                : string.Create(CultureInfo.InvariantCulture,
                    $"| {r.Kind} | {r.ConnectSeconds:F1} | {r.JoinSeconds:F1} | {r.Closed.End} | {r.P50:F2} | {r.P99:F2} | {(r.Kind == ServerKind.Chat ? $"{(double)r.Presence.Total / options.Users:F2}" : "-")} | {(r.Kind == ServerKind.Chat ? $"{r.Returning.Departure:F2} / {r.Returning.Arrival:F2}" : "-")} |"));
        }

        var chat = results.Single(r => r.Kind == ServerKind.Chat);
        var baseline = results.Single(r => r.Kind == ServerKind.Baseline);
        var connectRatio = chat.ConnectSeconds / baseline.ConnectSeconds;
        var perArrival = chat.Returning.Arrival;
        var met = chat.Failure is null && baseline.Failure is null && chat.Closed.End == 0 && chat.JoinsFailed == 0 && connectRatio <= ConnectRatioLimit && perArrival <= PresenceLimit;
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Chat: every connection stayed up: {(chat.Failure is null && chat.Closed.End == 0 ? "yes" : "no")}; connect time {connectRatio:F2}x the baseline's (at most {ConnectRatioLimit:0}x); " +
            $"presence frames per arrival of a returning member {perArrival:F2} (at most {PresenceLimit:0}; the limit is for a server above Chat:Presence:BroadcastLimit, 1,000 users by default); met: {(met ? "yes" : "no")}"));
        return met;
    }

    private static Result Failed(ServerKind kind, string failure, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"{kind}: {failure}");
        return new Result(kind, double.NaN, double.NaN, 0, (0, 0, 0), double.NaN, double.NaN, double.NaN, (0, 0), (double.NaN, double.NaN), failure);
    }

    private static long Presence(RawConnection[] connections) => connections.Sum(c => c.UsersJoined + c.UsersLeft);

    private static string User(int index) => string.Create(CultureInfo.InvariantCulture, $"u{index}");
}
