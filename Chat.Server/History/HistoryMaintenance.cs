using Microsoft.Extensions.Options;
using Chat.Server.Rooms;

namespace Chat.Server.History;

/// <summary>
/// Keeps what the store holds bounded by time, once an hour (and soon after start), in turn with the commits:
/// rooms without members for <c>Chat:Rooms:EmptyRoomDays</c> are removed with their messages (so one user's
/// abandoned rooms cannot use up <c>Chat:Rooms:MaxRooms</c> for good), and client message ids older than
/// <see cref="IMessageLog.ClientIdMemory"/> are forgotten, as are expired refresh tokens, long-ended sign-in sessions and
/// invites of no more use. Then the files no one may read any more go (<see cref="Files.FileSweep"/>). On a cluster every node
/// does it; doing it twice changes nothing.
/// </summary>
internal sealed partial class HistoryMaintenance(
    HistoryWriter writer, Memberships memberships, Files.FileSweep files, TimeProvider clock, IOptions<RoomOptions> options, ILogger<HistoryMaintenance> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private static readonly TimeSpan FirstRun = TimeSpan.FromMinutes(1);

    /// <summary>How long an ended session is remembered: longer than any access token lives (<c>Chat:Auth:AccessTokenMinutes</c>, at most a day).</summary>
    public static readonly TimeSpan EndedSessionMemory = TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1);

    /// <summary>One round, as if it were <paramref name="now"/>.</summary>
    public async Task RunOnceAsync(DateTime now)
    {
        var emptySince = now - TimeSpan.FromDays(options.Value.EmptyRoomDays);
        var removed = await writer.RunAsync((store, cancellationToken) => store.RemoveEmptyRoomsAsync(emptySince, cancellationToken));
        if (removed.Length > 0)
        {
            memberships.RoomsRemoved(removed);
            LogRemoved(removed.Length, options.Value.EmptyRoomDays);
        }

        var sentBefore = now - IMessageLog.ClientIdMemory;
        await writer.RunAsync((store, cancellationToken) => store.ForgetClientIdsAsync(sentBefore, cancellationToken));

        // Sign-in sessions: expired refresh tokens go; ended sessions are kept a day (other nodes read them to refuse their tokens).
        await writer.RunAsync((store, cancellationToken) => store.ForgetExpiredAsync(now, now - EndedSessionMemory, cancellationToken));

        // After the rooms: the files of the rooms removed just now go in the same round.
        await files.RunOnceAsync(now, CancellationToken.None);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(FirstRun, clock, stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RunOnceAsync(clock.GetUtcNow().UtcDateTime);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Tried again next time; nothing depends on it being done now.
                    LogFailed(exception);
                }

                await Task.Delay(Interval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} rooms that had no members for {Days} days (Chat:Rooms:EmptyRoomDays)")]
    private partial void LogRemoved(int count, int days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "History maintenance failed; it runs again in an hour")]
    private partial void LogFailed(Exception exception);
}
