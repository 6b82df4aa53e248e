using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench.Abuse;

/// <summary>
/// conversations-by-reading: one user marks 50,000 direct conversations with users who never wrote as read, then
/// asks for its conversations and a catch-up. Reading must never create a conversation: <c>GetRooms</c> should
/// return <c>general</c> alone, and the catch-up should cost what it did before.
/// </summary>
internal sealed class ReadingFlood : AbuseFlood
{
    private const string User = "reader";
    private const int Calls = 50_000;
    private const int InFlight = 64;

    /// <summary>What a full read budget takes to refill (10,000 at 2,000 a second), waited before each question after the flood.</summary>
    private static readonly TimeSpan Refill = TimeSpan.FromSeconds(5);

    public override string Name => "conversations-by-reading";

    public override async Task FloodAsync(Uri server, TimeSpan duration, TextWriter output, CancellationToken cancellationToken)
    {
        var marks = new Outcomes();
        var started = Stopwatch.GetTimestamp();
        await using (var reader = await ConnectAsync(server, User, cancellationToken))
        {
            await InFlightAsync(InFlight, number => number < Calls, async (_, number) =>
                marks.Add(await reader.CallAsync(nameof(IChatHub.MarkRead), $"\"@nobody{number}\",0", cancellationToken)));
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        marks.Write(output, $"MarkRead(\"@nobodyN\", 0) from {User}, {InFlight} in flight, in {seconds:F1} s ({Calls / seconds:N0} calls/s)");
        output.WriteLine($"    refused for the read budget: {marks.With(Outcomes.ReadBudget):N0}");
    }

    public override async Task CheckAsync(Uri server, TextWriter output, CancellationToken cancellationToken)
    {
        await using var connection = await Stats.ConnectAsync(server, User, cancellationToken);
        JsonElement[] rooms = [];
        var (roomsError, roomsTook) = await AskAsync(async () => rooms = await connection.InvokeAsync<JsonElement[]>(nameof(IChatHub.GetRooms), cancellationToken), cancellationToken);
        if (roomsError is null)
        {
            var names = rooms.Select(room => room.GetProperty("room").GetString()).ToList();
            output.WriteLine($"  GetRooms() from {User}, {Refill.TotalSeconds:0} s after the flood: {names.Count:N0} conversation{(names.Count == 1 ? "" : "s")} in {roomsTook:F0} ms ({string.Join(", ", names.Take(5))}{(names.Count > 5 ? ", ..." : "")}); the fixed server returns general alone");
        }
        else
        {
            output.WriteLine($"  GetRooms() from {User}, {Refill.TotalSeconds:0} s after the flood: \"{roomsError}\" after {roomsTook:F0} ms");
        }

        JsonElement[] missed = [];
        var (missedError, missedTook) = await AskAsync(async () => missed = await connection.InvokeAsync<JsonElement[]>(nameof(IChatHub.GetMissedMessages), 0, 1, cancellationToken), cancellationToken);
        output.WriteLine(missedError is null
            ? $"  GetMissedMessages(0, 1) from {User}, {Refill.TotalSeconds:0} s later: {missed.Length} message in {missedTook:F0} ms"
            : $"  GetMissedMessages(0, 1) from {User}, {Refill.TotalSeconds:0} s later: \"{missedError}\" after {missedTook:F0} ms");
    }

    /// <summary>Asks once the read budget has refilled, up to three times while it refuses; the error (or null) and the last call's milliseconds.</summary>
    private static async Task<(string? Error, double Milliseconds)> AskAsync(Func<Task> call, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await Task.Delay(Refill, cancellationToken);
            var started = Stopwatch.GetTimestamp();
            var error = await TryAsync(call);
            var took = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (error is null || !error.Contains(Outcomes.ReadBudget, StringComparison.Ordinal) || attempt == 3)
            {
                return (error, took);
            }
        }
    }
}
