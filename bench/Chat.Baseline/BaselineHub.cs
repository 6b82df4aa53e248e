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
        var message = Numbered("general", user, text);
        await Clients.All.SendAsync(nameof(IChatClient.ReceiveMessage), message);
        return message;
    }

    /// <summary>Adds the connection to the SignalR group <paramref name="room"/>: a room with no store, no limits and no presence.</summary>
    public Task JoinRoom(string room) => Groups.AddToGroupAsync(Context.ConnectionId, room);

    /// <summary>Numbers the message, broadcasts it to the group <paramref name="room"/> (sender included) and returns it as the ack.</summary>
    public async Task<BaselineMessage> SendToRoom(string room, string text, string? clientMessageId)
    {
        // Chat names the sender by the connection's ?user=; so does the baseline, without checking it.
        var message = Numbered(room, Context.GetHttpContext()?.Request.Query["user"].ToString() ?? "", text);
        await Clients.Group(room).SendAsync(nameof(IChatClient.ReceiveMessage), message);
        return message;
    }

    public BaselineMessage[] GetHistory(long? afterId, int limit) => [];

    public string[] GetOnlineUsers() => [];

    private static BaselineMessage Numbered(string room, string user, string text)
    {
        var now = DateTime.UtcNow;
        return new BaselineMessage(Interlocked.Increment(ref s_lastId), room, user, text, now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)));
    }
}
