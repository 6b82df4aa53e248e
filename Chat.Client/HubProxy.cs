using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Client;

/// <summary>
/// The hub's methods as typed calls over a <see cref="HubConnection"/>. A call that fails because the server closed the
/// connection (a name it refused at connect, say) throws the server's reason rather than "the connection was closed".
/// </summary>
internal sealed class HubProxy(HubConnection connection, Task<Exception?> closed) : IChatHub
{
    // How long a failed call waits for the close that may explain it.
    private static readonly TimeSpan CloseReasonWait = TimeSpan.FromSeconds(2);

    public Task<ChatMessage?> SendMessage(string? text, string? user) => Invoke<ChatMessage?>(nameof(SendMessage), text, user);

    public Task<ChatMessage?> SendToRoom(string? room, string? text, string? clientMessageId) => Invoke<ChatMessage?>(nameof(SendToRoom), room, text, clientMessageId);

    public Task<ChatMessage?> Post(string? room, MessageDraft? draft) => Invoke<ChatMessage?>(nameof(Post), room, draft);

    public Task<ChatMessage> EditMessage(string? room, long id, string? text) => Invoke<ChatMessage>(nameof(EditMessage), room, id, text);

    public Task DeleteMessage(string? room, long id) => Invoke<object?>(nameof(DeleteMessage), room, id);

    public Task AddReaction(string? room, long id, string? emoji) => Invoke<object?>(nameof(AddReaction), room, id, emoji);

    public Task RemoveReaction(string? room, long id, string? emoji) => Invoke<object?>(nameof(RemoveReaction), room, id, emoji);

    public Task<ChatMessage[]> GetHistory(long? afterId, int limit) => Invoke<ChatMessage[]>(nameof(GetHistory), afterId, limit);

    public Task<ChatMessage[]> GetRoomHistory(string? room, long? afterId, int limit) => Invoke<ChatMessage[]>(nameof(GetRoomHistory), room, afterId, limit);

    public Task<ChatMessage[]> GetRoomHistoryBefore(string? room, long beforeId, int limit) => Invoke<ChatMessage[]>(nameof(GetRoomHistoryBefore), room, beforeId, limit);

    public Task<SearchHit[]> SearchMessages(string? query, string? room, int limit) => Invoke<SearchHit[]>(nameof(SearchMessages), query, room, limit);

    public Task<ChatMessage[]> GetMissedMessages(long? afterId, int limit) => Invoke<ChatMessage[]>(nameof(GetMissedMessages), afterId, limit);

    public Task<RoomSummary[]> GetRooms() => Invoke<RoomSummary[]>(nameof(GetRooms));

    public Task<RoomListing[]> ListRooms() => Invoke<RoomListing[]>(nameof(ListRooms));

    public Task<string[]> GetRoomMembers(string? room) => Invoke<string[]>(nameof(GetRoomMembers), room);

    public Task<RoomSummary> JoinRoom(string? room) => Invoke<RoomSummary>(nameof(JoinRoom), room);

    public Task LeaveRoom(string? room) => Invoke<object?>(nameof(LeaveRoom), room);

    public Task<RoomSummary> CreateRoom(string? room, RoomSettings? settings) => Invoke<RoomSummary>(nameof(CreateRoom), room, settings);

    public Task InviteToRoom(string? room, string? user) => Invoke<object?>(nameof(InviteToRoom), room, user);

    public Task SetRoomRole(string? room, string? user, string? role) => Invoke<object?>(nameof(SetRoomRole), room, user, role);

    public Task SetRoomTopic(string? room, string? topic) => Invoke<object?>(nameof(SetRoomTopic), room, topic);

    public Task KickFromRoom(string? room, string? user) => Invoke<object?>(nameof(KickFromRoom), room, user);

    public Task BanFromRoom(string? room, string? user, int? minutes) => Invoke<object?>(nameof(BanFromRoom), room, user, minutes);

    public Task UnbanFromRoom(string? room, string? user) => Invoke<object?>(nameof(UnbanFromRoom), room, user);

    public Task MuteInRoom(string? room, string? user, int? minutes) => Invoke<object?>(nameof(MuteInRoom), room, user, minutes);

    public Task<ModerationEntry[]> GetModerationLog(string? room, long? beforeId, int limit) => Invoke<ModerationEntry[]>(nameof(GetModerationLog), room, beforeId, limit);

    public Task MarkRead(string? room, long id) => Invoke<object?>(nameof(MarkRead), room, id);

    public Task Typing(string? room) => Invoke<object?>(nameof(Typing), room);

    public Task<string[]> GetOnlineUsers() => Invoke<string[]>(nameof(GetOnlineUsers));

    public Task<string[]> WatchUsers(string[]? users) => Invoke<string[]>(nameof(WatchUsers), [users]);

    private async Task<T> Invoke<T>(string method, params object?[] arguments)
    {
        try
        {
            return await connection.InvokeCoreAsync<T>(method, arguments);
        }
        catch (Exception error) when (error is not HubException && connection.State == HubConnectionState.Disconnected)
        {
            Exception? reason = null;
            try
            {
                reason = await closed.WaitAsync(CloseReasonWait);
            }
            catch (TimeoutException)
            {
                // No reason given in time: the original failure is all there is to say.
            }

            throw reason is null ? error : new HubException(reason.Message, error);
        }
    }
}
