using System.Diagnostics;
using System.Globalization;

namespace Chat.Bench.TeamChat;

/// <summary>What a schedule managed: sends written and acked, and the most any send went out after its slot.</summary>
internal readonly record struct ScheduleResult(SendResult Sent, TimeSpan MaxLag);

/// <summary>
/// Team chat's fixed schedule: every room receives one message a second from one of its members in turn, the rooms'
/// slots spread evenly over each second, so the server sees a steady rate of rooms-per-second sends. Message
/// <c>k</c> of a room carries sequence number <c>k</c> (numbered per room, as each receiver hears one room).
/// </summary>
internal static class RoomSchedule
{
    /// <summary>Sends <paramref name="seconds"/> messages to every room of <paramref name="roomSize"/> consecutive connections; waits for every ack.</summary>
    public static async Task<ScheduleResult> RunAsync(
        RawConnection[] connections, int roomSize, byte phase, int seconds, int textLength, CancellationToken cancellationToken)
    {
        var rooms = connections.Length / roomSize;
        var acks = new Task<bool>[rooms * seconds];
        var maxLag = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        for (var k = 0; k < acks.Length; k++)
        {
            var (room, sequence) = (k % rooms, k / rooms);
            var due = TimeSpan.FromSeconds((double)k / rooms);
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                // Sends that fell due while waiting go out together; a late ack never shifts later sends.
                await Task.Delay(wait, cancellationToken);
            }

            maxLag = Max(maxLag, clock.Elapsed - due);
            var sender = connections[(room * roomSize) + (sequence % roomSize)];
            var text = BenchText.Create(phase, sequence, Stopwatch.GetTimestamp(), textLength);
            acks[k] = sender.SendToRoomAsync(Room(room), text, cancellationToken);
        }

        try
        {
            await Task.WhenAll(acks).WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
        }
        catch (TimeoutException)
        {
            // Those still unanswered count as neither acked nor failed: unacked.
        }

        var acked = acks.Count(ack => ack.IsCompletedSuccessfully && ack.Result);
        var failed = acks.Count(ack => ack.IsCompletedSuccessfully && !ack.Result);
        return new ScheduleResult(new SendResult(acks.Length, acked, failed), maxLag);
    }

    /// <summary>Room <paramref name="index"/>'s name.</summary>
    public static string Room(int index) => string.Create(CultureInfo.InvariantCulture, $"team{index}");

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
