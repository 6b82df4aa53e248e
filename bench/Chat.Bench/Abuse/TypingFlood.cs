using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench.Abuse;

/// <summary>
/// typing: one user asks for 400 connections (the server keeps at most <c>Chat:Limits:ConnectionsPerUser</c> of them open)
/// and each open one says it is typing in <c>general</c> every 100 ms; an observer
/// counts the <c>UserTyping</c> it hears a second (the server passes at most one per user and conversation per 2 s).
/// </summary>
internal sealed class TypingFlood : AbuseFlood
{
    private const string User = "typist";

    /// <summary>Under the default limits of one address: 1,000 open, 100 new a second after a burst of 500.</summary>
    private const int Connections = 400;

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public override string Name => "typing";

    public override async Task FloodAsync(Uri server, TimeSpan duration, TextWriter output, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var heard = new long[(int)duration.TotalSeconds + 2];
        var listening = Stopwatch.GetTimestamp();
        await using var watcher = await Stats.ConnectAsync(server, "watcher", cancellationToken);
        using var handler = watcher.On<string, string>(nameof(IChatClient.UserTyping), (_, user) =>
        {
            if (user == User)
            {
                var second = (int)Stopwatch.GetElapsedTime(Volatile.Read(ref listening)).TotalSeconds;
                Interlocked.Increment(ref heard[Math.Min(second, heard.Length - 1)]);
            }
        });

        var calls = new Outcomes();
        double typingSeconds;
        await using (var typists = await RawClients.ConnectAsync(Connections, (_, token) => ConnectAsync(server, User, token), cancellationToken))
        {
            // A connection over the server's limit per user is closed right after its handshake, saying why.
            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            var open = typists.Connections.Where(connection => !connection.IsClosed).ToArray();
            var opened = Stopwatch.GetElapsedTime(started);
            output.WriteLine($"  {User} asked for {Connections} connections in {opened.TotalSeconds:F1} s: {open.Length} open, {Connections - open.Length} closed by the server");
            foreach (var (close, count) in typists.Connections.Where(connection => connection.IsClosed).GroupBy(connection => connection.CloseMessage ?? "(no close message)").Select(group => (group.Key, group.Count())))
            {
                output.WriteLine($"    {count:N0} x {close}");
            }

            Array.Clear(heard);
            Volatile.Write(ref listening, Stopwatch.GetTimestamp());
            var more = For(duration - opened);
            await Task.WhenAll(open.Select(async (connection, index) =>
            {
                // Spread over the interval, as 400 keyboards would be.
                await Task.Delay(Interval * index / open.Length, cancellationToken);
                using var tick = new PeriodicTimer(Interval);
                while (more(0))
                {
                    calls.Add(await connection.CallAsync(nameof(IChatHub.Typing), "\"general\"", cancellationToken));
                    await tick.WaitForNextTickAsync(cancellationToken);
                }
            }));
            typingSeconds = Stopwatch.GetElapsedTime(listening).TotalSeconds;
        }

        // Events still on their way come within the second after.
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        var full = heard.Take((int)typingSeconds).ToList();
        calls.Write(output, $"Typing(\"general\") from the open connections of {User}, every {Interval.TotalMilliseconds:0} ms each, for {typingSeconds:F1} s ({calls.Calls / typingSeconds:N0} calls/s)");
        output.WriteLine($"    refused for the read budget: {calls.With(Outcomes.ReadBudget):N0}");
        output.WriteLine($"  the observer heard {heard.Sum():N0} UserTyping from {User}: {heard.Sum() / typingSeconds:F2}/s on average, at most {(full.Count == 0 ? 0 : full.Max())} in one second " +
            "(the fixed server passes at most one per user and conversation per 2 s: 0.5/s)");
    }
}
