using System.Diagnostics;

namespace Chat.Bench;

/// <summary>
/// How the senders send: sequence numbers <paramref name="First"/> to <paramref name="End"/> - 1 shared by <paramref name="Senders"/>
/// connections, texts of <paramref name="TextLength"/> characters, at most <paramref name="Window"/> unacked
/// per sender, at <paramref name="PerSecond"/> in all (0: as fast as acks allow), for at most <paramref name="For"/>;
/// a sender gives up on a server that has not acked for <paramref name="AckTimeout"/> (default 60 s). With
/// <paramref name="WindowAt"/>, the window counts messages sent but not yet received there (a receiver's
/// log) instead of unacked ones: the sender runs ahead of its acks, as a load generator that measures
/// delivery does. With <paramref name="Room"/>, the messages go there with <c>SendToRoom(room, text, null)</c>
/// instead of to <c>general</c> with <c>SendMessage</c>.
/// </summary>
internal sealed record SendPlan(
    byte Phase, int First, int End, int Senders, int TextLength, int Window, double PerSecond = 0, TimeSpan? For = null, TimeSpan? AckTimeout = null,
    DeliveryLog? WindowAt = null, string? Room = null);

/// <summary>What one sender managed: invocations written, acked, and failed (an error or a lost connection).</summary>
internal readonly record struct SendResult(long Sent, long Acked, long Failed)
{
    public static SendResult operator +(SendResult a, SendResult b) => new(a.Sent + b.Sent, a.Acked + b.Acked, a.Failed + b.Failed);
}

/// <summary>Sends numbered benchmark messages from one raw connection.</summary>
internal static class Sender
{
    /// <summary>Sends sequence numbers first + <paramref name="sender"/>, + senders, ... as <paramref name="user"/>, following <paramref name="plan"/>.</summary>
    public static async Task<SendResult> RunAsync(RawConnection connection, string user, int sender, SendPlan plan, CancellationToken cancellationToken)
    {
        var inFlight = new Queue<Task<bool>>();
        var clock = Stopwatch.StartNew();
        var deadline = plan.For ?? TimeSpan.MaxValue;
        var ackTimeout = plan.AckTimeout ?? TimeSpan.FromSeconds(60);
        var result = default(SendResult);
        var before = plan.WindowAt?.Count(plan.Phase) ?? 0; // what the window's receiver had of this phase before this run
        for (var sequence = plan.First + sender; sequence < plan.End && clock.Elapsed < deadline; sequence += plan.Senders)
        {
            if (plan.PerSecond > 0)
            {
                // A fixed schedule, so a slow ack does not shift later sends.
                var due = TimeSpan.FromSeconds((sequence - plan.First) / plan.PerSecond) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, cancellationToken);
                }
            }

            if (plan.WindowAt is { } receiver)
            {
                if (result.Sent - (receiver.Count(plan.Phase) - before) >= plan.Window && !await ReachedAsync(receiver, plan.Phase, before + result.Sent - plan.Window + 1, ackTimeout, cancellationToken))
                {
                    // The receiver stopped receiving: the server is stuck.
                    break;
                }
            }
            else if (inFlight.Count == plan.Window)
            {
                var acked = await WaitAsync(inFlight.Peek(), Min(ackTimeout, deadline - clock.Elapsed), cancellationToken);
                if (acked is null)
                {
                    // The window stayed full: the server stopped acking, or the time is up.
                    break;
                }

                _ = inFlight.Dequeue();
                result = Count(result, acked.Value);
            }

            while (plan.WindowAt is not null && inFlight.TryPeek(out var done) && done.IsCompleted)
            {
                result = Count(result, inFlight.Dequeue().Result);
            }

            var text = BenchText.Create(plan.Phase, sequence, Stopwatch.GetTimestamp(), plan.TextLength);
            inFlight.Enqueue(plan.Room is null ? connection.SendMessageAsync(text, user, cancellationToken) : connection.SendToRoomAsync(plan.Room, text, cancellationToken));
            result = result with { Sent = result.Sent + 1 };
        }

        while (inFlight.TryDequeue(out var pending))
        {
            // What was sent before the deadline may still be acked after it.
            var acked = await WaitAsync(pending, ackTimeout, cancellationToken);
            if (acked is null)
            {
                break;
            }

            result = Count(result, acked.Value);
        }

        if (result.Failed > 0)
        {
            await Console.Error.WriteLineAsync($"{user}: {result.Failed} sends failed; the first error: {connection.FirstError ?? "the connection closed"}");
        }

        return result;
    }

    private static async Task<bool> ReachedAsync(DeliveryLog receiver, byte phase, long count, TimeSpan limit, CancellationToken cancellationToken)
    {
        try
        {
            await receiver.ReachedAsync(count, phase).WaitAsync(limit, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static SendResult Count(SendResult result, bool acked) =>
        acked ? result with { Acked = result.Acked + 1 } : result with { Failed = result.Failed + 1 };

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : (b > TimeSpan.Zero ? b : TimeSpan.Zero);

    /// <summary>The ack, or null when it did not come within <paramref name="limit"/>.</summary>
    private static async Task<bool?> WaitAsync(Task<bool> ack, TimeSpan limit, CancellationToken cancellationToken)
    {
        try
        {
            return await ack.WaitAsync(limit, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }
}
