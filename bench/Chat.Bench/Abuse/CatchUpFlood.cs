using System.Diagnostics;

namespace Chat.Bench.Abuse;

/// <summary>
/// catch-ups: one user in 100 rooms full of 2,000-character messages keeps 128 <c>GetMissedMessages(0, 500)</c>
/// in flight over a few connections: each call walks every room and may return a megabyte.
/// </summary>
internal sealed class CatchUpFlood : AbuseFlood
{
    private const string User = "catcher";
    private const int Rooms = 100;

    /// <summary>Rooms are created at most 20 per user per day (Chat:Rooms:CreatePerUserPerDay).</summary>
    private const int Makers = 5;

    private const int MessagesPerRoom = 20;
    private const int TextLength = 2000;
    private const int Connections = 4;
    private const int InFlight = 128;

    private static readonly string Text = new('c', TextLength);

    public override string Name => "catch-ups";

    public override async Task<IAsyncDisposable?> PrepareAsync(Uri server, TextWriter output, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var seeding = new Outcomes();
        var everyone = new ParallelOptions { MaxDegreeOfParallelism = Rooms, CancellationToken = cancellationToken };
        await Parallel.ForAsync(0, Makers, everyone, async (maker, token) =>
        {
            await using var connection = await ConnectAsync(server, $"maker{maker}", token);
            for (var room = maker * (Rooms / Makers); room < (maker + 1) * (Rooms / Makers); room++)
            {
                seeding.Add(await PacedAsync(connection, nameof(IChatHub.JoinRoom), $"\"{Room(room)}\"", token));
            }
        });

        // A poster per room, each within its send budget.
        await Parallel.ForAsync(0, Rooms, everyone, async (room, token) =>
        {
            await using var poster = await ConnectAsync(server, $"poster{room:000}", token);
            seeding.Add(await PacedAsync(poster, nameof(IChatHub.JoinRoom), $"\"{Room(room)}\"", token));
            for (var message = 0; message < MessagesPerRoom; message++)
            {
                seeding.Add(await PacedAsync(poster, nameof(IChatHub.SendToRoom), $"\"{Room(room)}\",\"{Text}\",null", token));
            }
        });

        await using (var catcher = await ConnectAsync(server, User, cancellationToken))
        {
            for (var room = 0; room < Rooms; room++)
            {
                seeding.Add(await PacedAsync(catcher, nameof(IChatHub.JoinRoom), $"\"{Room(room)}\"", cancellationToken));
            }
        }

        output.WriteLine($"  seeded in {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s: {Rooms} rooms made by {Makers} users, {MessagesPerRoom} messages of {TextLength:N0} characters in each " +
            $"from a poster per room, and {User} in all {Rooms}");
        seeding.Write(output, "seeding calls (JoinRoom, SendToRoom)");
        return null;
    }

    public override async Task FloodAsync(Uri server, TimeSpan duration, TextWriter output, CancellationToken cancellationToken)
    {
        var connections = await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => ConnectAsync(server, User, cancellationToken)));
        var catchUps = new Outcomes();
        try
        {
            await InFlightAsync(InFlight, For(duration), async (worker, _) =>
                catchUps.Add(await connections[worker % Connections].CallAsync(nameof(IChatHub.GetMissedMessages), "0,500", cancellationToken)));
        }
        finally
        {
            await Task.WhenAll(connections.Select(connection => connection.DisposeAsync().AsTask()));
        }

        catchUps.Write(output, $"GetMissedMessages(0, 500) from {User}, {InFlight} in flight over {Connections} connections for {duration.TotalSeconds:0} s");
        output.WriteLine($"    answered {catchUps.Answered / duration.TotalSeconds:F1}/s; refused for the read budget: {catchUps.With(Outcomes.ReadBudget):N0}");
    }

    private static string Room(int room) => $"deep{room:000}";
}
