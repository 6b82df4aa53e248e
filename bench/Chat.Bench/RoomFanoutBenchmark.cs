using System.Diagnostics;
using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// What a room's fan-out costs on one Chat server: a room of <c>--members</c> named users among
/// <c>--connections</c> (the rest only in <c>general</c>), against <c>general</c>'s fan-out to as many
/// connections as the room has members, in alternating runs on the same server process. One sender (a
/// member) sends with a window counted at the first receiver (itself); every member checks every
/// message (none missing, duplicated or reordered), and every non-member checks it got none of the
/// room's messages, warm-up included, before a message in <c>general</c> that reaches them all.
/// </summary>
internal static class RoomFanoutBenchmark
{
    public sealed record Options(int Rounds, int Connections, int Members, int Messages, int Window, int TextLength, TimeSpan WarmUp)
    {
        public int Others => Connections - Members;

        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"1 sender with up to {Window} not yet at the first receiver, {Messages:N0} × {TextLength}-character texts per run; room: {Members} members among {Connections:N0} connections; general: {Members} connections");
    }

    /// <summary>One run; <see cref="Leaked"/> is the room's messages the non-members got (null in a run in <c>general</c>, which has none).</summary>
    public sealed record Result(double PerSecond, double GeneratorMicros, double ServerMicros, DeliveryChecks Checks, long? Leaked);

    private const string Room = "bench";

    /// <summary>The sequence number of the message in <c>general</c> that ends a room run: above every warm-up one.</summary>
    private const int Probe = 2_000_000_000;

    public static async Task RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine($"room fan-out: {options.Rounds} alternating rounds on one Chat server, {options.Describe()}");
        await using var server = await BenchServer.StartAsync(cancellationToken);
        await using var members = await ConnectMembersAsync(server, options.Members, cancellationToken);

        var results = new Comparison<Result>(output, "room", "general");
        await results.AlternateAsync(
            options.Rounds,
            inRoom => inRoom ? MeasureRoomAsync(server, members, options, cancellationToken) : MeasureGeneralAsync(server, members, options, cancellationToken),
            r => string.Create(CultureInfo.InvariantCulture,
                $"{r.PerSecond,10:N0} deliveries/s  CPU per delivery: generator {r.GeneratorMicros:F2} µs, server {r.ServerMicros:F2} µs  {r.Checks}{(r.Leaked is { } leaked ? $", room messages at non-members {leaked}" : "")}"));

        results.Header(string.Create(CultureInfo.InvariantCulture,
            $"room fan-out, {options.Messages:N0} × {options.TextLength} B (medians); room: {options.Members} members among {options.Connections:N0} connections, general: {options.Members} connections"));
        results.Median("deliveries/s", r => r.PerSecond, "N0");
        results.Median("generator CPU per delivery", r => r.GeneratorMicros, "F2", " µs");
        results.Median("server CPU per delivery", r => r.ServerMicros, "F2", " µs");
        results.Text("missing / duplicated / reordered / unacked (all rounds)", runs => DeliveryChecks.Total(runs.Select(r => r.Checks)));
        results.Text(
            $"room messages received by the {options.Others:N0} non-members (all rounds)",
            runs => runs.All(r => r.Leaked is null) ? "-" : runs.Sum(r => r.Leaked ?? 0).ToString(CultureInfo.InvariantCulture));

        var (room, general) = results.Medians(r => r.PerSecond);
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"room/general deliveries/s: {room / general:F2} (the issue's target: at least 0.90)"));
    }

    /// <summary>The room's members, users <c>member0</c> (the sender) and up: connected once, each joined once.</summary>
    private static async Task<RawClients> ConnectMembersAsync(BenchServer server, int count, CancellationToken cancellationToken)
    {
        var members = await RawClients.ConnectAsync(count, (i, token) => RawConnection.ConnectAsync(server.Url, Member(i), log: null, token), cancellationToken);

        // Their own arrivals are announced a second after they connect; a member that connected late hears fewer, and this waits its 10 s for nothing.
        await Stage.WaitUntilAsync(() => members.Connections.All(member => member.UsersJoined >= count), TimeSpan.FromSeconds(10), cancellationToken);
        foreach (var (member, i) in members.Connections.Select((member, i) => (member, i)))
        {
            if (!await member.JoinRoomAsync(Room, cancellationToken))
            {
                await members.DisposeAsync();
                throw new InvalidOperationException($"{Member(i)} could not join #{Room}: {member.FirstError ?? "the connection closed"}");
            }
        }

        return members;
    }

    /// <summary>A run in the room, with the non-members connected for it and gone (their departures announced) after it.</summary>
    private static async Task<Result> MeasureRoomAsync(BenchServer server, RawClients members, Options options, CancellationToken cancellationToken)
    {
        var memberLogs = NewLogs(members.Connections, options.Messages);
        var otherLogs = new DeliveryLog[options.Others];
        var joinedBefore = members.Connections.Select(member => member.UsersJoined).ToArray();
        var others = await RawClients.ConnectAsync(options.Others, (i, token) =>
            RawConnection.ConnectAsync(server.Url, $"other{i}", otherLogs[i] = new DeliveryLog(options.Messages, senders: 1, keepLatencies: false), token), cancellationToken);
        try
        {
            // Their arrivals are announced to everyone a second after they connect: out of the way before measuring.
            await PresenceSettledAsync(members.Connections, joinedBefore, c => c.UsersJoined, options.Others, nameof(IChatClient.UserJoined), cancellationToken);
            var result = await MeasureAsync(server, members.Connections[0], memberLogs, Room, options, cancellationToken);

            // A message in general after the room's: once every non-member has it, any room message sent to them has come too.
            var probe = new SendPlan(BenchText.WarmUp, Probe, Probe + 1, Senders: 1, options.TextLength, Window: 1);
            await Sender.RunAsync(members.Connections[0], Member(0), 0, probe, cancellationToken);
            if (!await Stage.WaitUntilAsync(() => otherLogs.All(log => log.WarmUpSeen >= Probe), TimeSpan.FromSeconds(30), cancellationToken))
            {
                throw new InvalidOperationException("Some non-members never got the message in general that ends a room run.");
            }

            return result with { Leaked = otherLogs.Sum(log => log.Records - 1) };
        }
        finally
        {
            var leftBefore = members.Connections.Select(member => member.UsersLeft).ToArray();
            await others.DisposeAsync();
            // Their departures are announced 3 s after they close: out of the way before the next run.
            await PresenceSettledAsync(members.Connections, leftBefore, c => c.UsersLeft, options.Others, nameof(IChatClient.UserLeft), cancellationToken);
        }
    }

    /// <summary>A run in <c>general</c>, whose only connections are the room's members: <c>fanout --receivers N</c> on this server.</summary>
    private static Task<Result> MeasureGeneralAsync(BenchServer server, RawClients members, Options options, CancellationToken cancellationToken) =>
        MeasureAsync(server, members.Connections[0], NewLogs(members.Connections, options.Messages), room: null, options, cancellationToken);

    /// <summary>Warms up, sends the measured messages to <paramref name="room"/> (null: <c>general</c>) and checks them at every reader.</summary>
    private static async Task<Result> MeasureAsync(
        BenchServer server, RawConnection sender, DeliveryLog[] readers, string? room, Options options, CancellationToken cancellationToken)
    {
        await Stage.WarmUpAsync(sender, Member(0), readers, options.TextLength, options.WarmUp, room, cancellationToken);

        var plan = new SendPlan(BenchText.Measured, 0, options.Messages, Senders: 1, options.TextLength, options.Window, WindowAt: readers[0], Room: room);
        var cpu = CpuMeter.Start(server);
        var start = Stopwatch.GetTimestamp();
        var sent = await Sender.RunAsync(sender, Member(0), 0, plan, cancellationToken);
        var complete = await Stage.WaitUntilAsync(() => readers.All(log => log.Received >= sent.Sent), TimeSpan.FromSeconds(30), cancellationToken);
        var end = complete ? readers.Max(log => log.LastAt) : Stopwatch.GetTimestamp();
        var delivered = readers.Sum(log => log.Received);
        var (generator, serverMicros) = cpu.PerDelivery(delivered);
        return new Result(
            delivered / Stopwatch.GetElapsedTime(start, end).TotalSeconds,
            generator,
            serverMicros,
            DeliveryChecks.Of(readers, sent.Sent * readers.Length, delivered, sent),
            Leaked: null);
    }

    /// <summary>Gives every connection a fresh log for the next run.</summary>
    private static DeliveryLog[] NewLogs(RawConnection[] connections, int messages)
    {
        var logs = new DeliveryLog[connections.Length];
        for (var i = 0; i < connections.Length; i++)
        {
            connections[i].Log = logs[i] = new DeliveryLog(messages, senders: 1, keepLatencies: false);
        }

        return logs;
    }

    /// <summary>Waits until every member has heard <paramref name="expected"/> more presence events (<paramref name="count"/>) than <paramref name="before"/>.</summary>
    private static async Task PresenceSettledAsync(
        RawConnection[] members, long[] before, Func<RawConnection, long> count, int expected, string what, CancellationToken cancellationToken)
    {
        if (!await Stage.WaitUntilAsync(() => members.Select((member, i) => count(member) - before[i]).All(heard => heard >= expected), TimeSpan.FromSeconds(60), cancellationToken))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"The members did not all hear the {expected:N0} {what} of the non-members within 60 s (the fewest heard: {members.Select((member, i) => count(member) - before[i]).Min():N0})."));
        }
    }

    private static string Member(int index) => string.Create(CultureInfo.InvariantCulture, $"member{index}");
}
