using Microsoft.AspNetCore.SignalR;

namespace Chat.Baseline;

/// <summary>A message in the same shape as Chat's (its five fields, in order), so both servers put the same bytes on the wire.</summary>
public sealed record BaselineMessage(long Id, string Room, string User, string Text, DateTime SentAt);

/// <summary>Chat's hub contract with no storage and no checks: what SignalR alone costs.</summary>
public sealed class BaselineHub : Hub
{
    private static long s_lastId;

    /// <summary>Numbers the message, broadcasts it to everyone (sender included) and returns it as the ack.</summary>
    public async Task<BaselineMessage> SendMessage(string text, string user)
    {
        var now = DateTime.UtcNow;
        var message = new BaselineMessage(Interlocked.Increment(ref s_lastId), "general", user, text, now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)));
        await Clients.All.SendAsync(nameof(IChatClient.ReceiveMessage), message);
        return message;
    }

    public BaselineMessage[] GetHistory(long? afterId, int limit) => [];

    public string[] GetOnlineUsers() => [];
}
