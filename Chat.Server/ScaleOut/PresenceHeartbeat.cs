using Chat.Server.Presence;
using StackExchange.Redis;

namespace Chat.Server.ScaleOut;

/// <summary>Runs the presence heartbeat every few seconds and tells every client who joined or left because of it.</summary>
internal sealed partial class PresenceHeartbeat(RedisPresence presence, PresenceAnnouncer announcer, ILogger<PresenceHeartbeat> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                var (joined, left) = await presence.HeartbeatAsync();
                foreach (var user in joined)
                {
                    await announcer.AnnounceAsync(user, joined: true);
                }

                foreach (var user in left)
                {
                    LogGone(user);
                    await announcer.AnnounceAsync(user, joined: false);
                }
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                LogHeartbeatFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{User} is gone: their last connection was on a node that stopped")]
    private partial void LogGone(string user);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence heartbeat failed; retrying")]
    private partial void LogHeartbeatFailed(Exception exception);
}
