using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench.Abuse;

/// <summary>
/// join loops: one user joins a room it is already in, and joins and leaves rooms of new names, in loops; joins
/// draw on the send budget, and rooms may be created 20 per user per day, so few rooms should exist after it.
/// </summary>
internal sealed class JoinFlood : AbuseFlood
{
    private const string User = "joiner";
    private const string Home = "home";

    /// <summary>Calls each loop keeps in flight (a connection runs up to 64 at once).</summary>
    private const int InFlight = 16;

    public override string Name => "join-loops";

    public override async Task<IAsyncDisposable?> PrepareAsync(Uri server, TextWriter output, CancellationToken cancellationToken)
    {
        await using var joiner = await ConnectAsync(server, User, cancellationToken);
        var error = await PacedAsync(joiner, nameof(IChatHub.JoinRoom), $"\"{Home}\"", cancellationToken);
        output.WriteLine($"  {User} joined #{Home}: {error ?? "answered"}");
        return null;
    }

    public override async Task FloodAsync(Uri server, TimeSpan duration, TextWriter output, CancellationToken cancellationToken)
    {
        var again = new Outcomes();
        var joins = new Outcomes();
        var leaves = new Outcomes();
        await using (var joiner = await ConnectAsync(server, User, cancellationToken))
        {
            var more = For(duration);
            await Task.WhenAll(
                InFlightAsync(InFlight, more, async (_, _) => again.Add(await joiner.CallAsync(nameof(IChatHub.JoinRoom), $"\"{Home}\"", cancellationToken))),
                InFlightAsync(InFlight, more, async (_, number) =>
                {
                    var room = $"\"spin{number}\"";
                    var joined = await joiner.CallAsync(nameof(IChatHub.JoinRoom), room, cancellationToken);
                    joins.Add(joined);
                    if (joined is null)
                    {
                        leaves.Add(await joiner.CallAsync(nameof(IChatHub.LeaveRoom), room, cancellationToken));
                    }
                }));
        }

        var seconds = duration.TotalSeconds;
        again.Write(output, $"JoinRoom(\"{Home}\") from {User}, a member already, {InFlight} in flight for {seconds:0} s");
        joins.Write(output, $"JoinRoom(\"spinN\") of new names, each left at once when answered, {InFlight} in flight for {seconds:0} s");
        leaves.Write(output, "LeaveRoom(\"spinN\") after each join answered");
        output.WriteLine($"    joins answered {(again.Answered + joins.Answered) / seconds:F1}/s; refused for the send budget: {again.With(Outcomes.SendBudget) + joins.With(Outcomes.SendBudget):N0}");
    }

    public override async Task CheckAsync(Uri server, TextWriter output, CancellationToken cancellationToken)
    {

        await using var auditor = await Stats.ConnectAsync(server, "auditor", cancellationToken);
        var rooms = await auditor.InvokeAsync<JsonElement[]>(nameof(IChatHub.ListRooms), cancellationToken);
        var listed = rooms.Select(room => $"{room.GetProperty("room").GetString()} ({room.GetProperty("members").GetInt32()})").ToList();
        output.WriteLine($"  rooms at the end (ListRooms, members in brackets): {listed.Count}: {string.Join(", ", listed.Take(25))}{(listed.Count > 25 ? ", ..." : "")}");
    }
}
