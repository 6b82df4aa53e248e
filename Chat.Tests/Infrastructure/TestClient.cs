using System.Threading.Channels;
using Chat.Server.History;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Infrastructure;

/// <summary>A hub connection that records every server-to-client call, each kind in its own queue.</summary>
internal sealed class TestClient : IAsyncDisposable
{
    private readonly Channel<ChatMessage> _messages = Channel.CreateUnbounded<ChatMessage>();
    private readonly Channel<ChatMessage> _updates = Channel.CreateUnbounded<ChatMessage>();
    private readonly Channel<string> _joined = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _left = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _notices = Channel.CreateUnbounded<string>();
    private readonly Channel<bool> _cleared = Channel.CreateUnbounded<bool>();
    private readonly Channel<string> _roomEvents = Channel.CreateUnbounded<string>();
    private readonly Channel<RoomSummary> _roomChanges = Channel.CreateUnbounded<RoomSummary>();
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TestClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<ChatMessage>(nameof(IChatClient.ReceiveMessage), message => _messages.Writer.TryWrite(message));
        connection.On<ChatMessage>(nameof(IChatClient.MessageUpdated), message => _updates.Writer.TryWrite(message));
        connection.On<string>(nameof(IChatClient.UserJoined), user => _joined.Writer.TryWrite(user));
        connection.On<string>(nameof(IChatClient.UserLeft), user => _left.Writer.TryWrite(user));
        connection.On<string>(nameof(IChatClient.Notice), text => _notices.Writer.TryWrite(text));
        connection.On(nameof(IChatClient.HistoryCleared), () => _cleared.Writer.TryWrite(true));

        // Room events, each as one line: "UserJoinedRoom dev bob", "RoomRead dev 12", ...
        connection.On<string, string>(nameof(IChatClient.UserJoinedRoom), (room, user) => _roomEvents.Writer.TryWrite($"UserJoinedRoom {room} {user}"));
        connection.On<string, string>(nameof(IChatClient.UserLeftRoom), (room, user) => _roomEvents.Writer.TryWrite($"UserLeftRoom {room} {user}"));
        connection.On<string>(nameof(IChatClient.RoomCleared), room => _roomEvents.Writer.TryWrite($"RoomCleared {room}"));
        connection.On<string, long>(nameof(IChatClient.RoomRead), (room, id) => _roomEvents.Writer.TryWrite($"RoomRead {room} {id}"));
        connection.On<string, string>(nameof(IChatClient.UserTyping), (room, user) => _roomEvents.Writer.TryWrite($"UserTyping {room} {user}"));
        connection.On<RoomSummary>(nameof(IChatClient.RoomChanged), summary => _roomChanges.Writer.TryWrite(summary));
        connection.Closed += error =>
        {
            _closed.TrySetResult(error);
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    public Task<RoomSummary> CreateRoomAsync(string room, bool isPrivate = false, string? topic = null) =>
        Connection.InvokeAsync<RoomSummary>(nameof(IChatHub.CreateRoom), room, new RoomSettings(isPrivate, topic)).DefaultTimeout();

    public Task InviteAsync(string room, string user) => Connection.InvokeAsync(nameof(IChatHub.InviteToRoom), room, user).DefaultTimeout();

    public Task SetRoleAsync(string room, string user, string role) => Connection.InvokeAsync(nameof(IChatHub.SetRoomRole), room, user, role).DefaultTimeout();

    public Task SetTopicAsync(string room, string? topic) => Connection.InvokeAsync(nameof(IChatHub.SetRoomTopic), room, topic).DefaultTimeout();

    public Task KickAsync(string room, string user) => Connection.InvokeAsync(nameof(IChatHub.KickFromRoom), room, user).DefaultTimeout();

    public Task BanAsync(string room, string user, int? minutes = null) => Connection.InvokeAsync(nameof(IChatHub.BanFromRoom), room, user, minutes).DefaultTimeout();

    public Task UnbanAsync(string room, string user) => Connection.InvokeAsync(nameof(IChatHub.UnbanFromRoom), room, user).DefaultTimeout();

    public Task MuteAsync(string room, string user, int? minutes = null) => Connection.InvokeAsync(nameof(IChatHub.MuteInRoom), room, user, minutes).DefaultTimeout();

    public Task<ModerationEntry[]> ModerationLogAsync(string room, long? beforeId = null, int limit = 100) =>
        Connection.InvokeAsync<ModerationEntry[]>(nameof(IChatHub.GetModerationLog), room, beforeId, limit).DefaultTimeout();

    /// <summary>The next <c>RoomChanged</c>.</summary>
    public Task<RoomSummary> NextRoomChangeAsync() => _roomChanges.Reader.ReadAsync().DefaultTimeout();

    public IReadOnlyList<RoomSummary> RoomChangesSoFar() => Drain(_roomChanges);

    /// <summary>Completes with the close error (or null) when the server closes the connection.</summary>
    public Task<Exception?> Closed => _closed.Task;

    public Task<ChatMessage?> SendAsync(string text, string user = "alice") =>
        Connection.InvokeAsync<ChatMessage?>(nameof(IChatHub.SendMessage), text, user).DefaultTimeout();

    public Task<ChatMessage[]> HistoryAsync(long? afterId = null, int limit = 100) =>
        Connection.InvokeAsync<ChatMessage[]>(nameof(IChatHub.GetHistory), afterId, limit).DefaultTimeout();

    /// <summary>Every stored message, oldest first, fetched page by page as a catching-up client does.</summary>
    public async Task<List<ChatMessage>> AllHistoryAsync()
    {
        var all = new List<ChatMessage>();
        long? after = 0;
        while (await HistoryAsync(after, 500) is { Length: > 0 } page)
        {
            all.AddRange(page);
            after = page[^1].Id;
        }

        return all;
    }

    public Task<ChatMessage?> SendToAsync(string room, string text, string? clientMessageId = null) =>
        Connection.InvokeAsync<ChatMessage?>(nameof(IChatHub.SendToRoom), room, text, clientMessageId).DefaultTimeout();

    public Task<ChatMessage?> PostAsync(string room, string text, long? replyTo = null, string? clientMessageId = null) =>
        Connection.InvokeAsync<ChatMessage?>(nameof(IChatHub.Post), room, new MessageDraft(text, clientMessageId, replyTo)).DefaultTimeout();

    public Task<ChatMessage> EditAsync(string room, long id, string text) => Connection.InvokeAsync<ChatMessage>(nameof(IChatHub.EditMessage), room, id, text).DefaultTimeout();

    public Task DeleteAsync(string room, long id) => Connection.InvokeAsync(nameof(IChatHub.DeleteMessage), room, id).DefaultTimeout();

    public Task ReactAsync(string room, long id, string emoji) => Connection.InvokeAsync(nameof(IChatHub.AddReaction), room, id, emoji).DefaultTimeout();

    public Task UnreactAsync(string room, long id, string emoji) => Connection.InvokeAsync(nameof(IChatHub.RemoveReaction), room, id, emoji).DefaultTimeout();

    /// <summary>The next <c>MessageUpdated</c>.</summary>
    public Task<ChatMessage> NextUpdateAsync() => _updates.Reader.ReadAsync().DefaultTimeout();

    public IReadOnlyList<ChatMessage> UpdatesSoFar() => Drain(_updates);

    public Task<RoomSummary> JoinAsync(string room) => Connection.InvokeAsync<RoomSummary>(nameof(IChatHub.JoinRoom), room).DefaultTimeout();

    public Task LeaveAsync(string room) => Connection.InvokeAsync(nameof(IChatHub.LeaveRoom), room).DefaultTimeout();

    public Task<ChatMessage[]> RoomHistoryAsync(string room, long? afterId = null, int limit = 100) =>
        Connection.InvokeAsync<ChatMessage[]>(nameof(IChatHub.GetRoomHistory), room, afterId, limit).DefaultTimeout();

    public Task<ChatMessage[]> MissedAsync(long? afterId, int limit = 100) =>
        Connection.InvokeAsync<ChatMessage[]>(nameof(IChatHub.GetMissedMessages), afterId, limit).DefaultTimeout();

    public Task<SearchHit[]> SearchAsync(string? query, string? room = null, int limit = 20) =>
        Connection.InvokeAsync<SearchHit[]>(nameof(IChatHub.SearchMessages), query, room, limit).DefaultTimeout();

    public Task<RoomSummary[]> RoomsAsync() => Connection.InvokeAsync<RoomSummary[]>(nameof(IChatHub.GetRooms)).DefaultTimeout();

    public Task<RoomListing[]> ListRoomsAsync() => Connection.InvokeAsync<RoomListing[]>(nameof(IChatHub.ListRooms)).DefaultTimeout();

    public Task<string[]> MembersAsync(string room) => Connection.InvokeAsync<string[]>(nameof(IChatHub.GetRoomMembers), room).DefaultTimeout();

    public Task MarkReadAsync(string room, long id) => Connection.InvokeAsync(nameof(IChatHub.MarkRead), room, id).DefaultTimeout();

    public Task<string[]> WatchAsync(params string[] users) => Connection.InvokeAsync<string[]>(nameof(IChatHub.WatchUsers), users).DefaultTimeout();

    public Task TypingAsync(string room) => Connection.InvokeAsync(nameof(IChatHub.Typing), room).DefaultTimeout();

    /// <summary>The next room event, as one line ("UserJoinedRoom dev bob").</summary>
    public Task<string> NextRoomEventAsync() => _roomEvents.Reader.ReadAsync().DefaultTimeout();

    public IReadOnlyList<string> RoomEventsSoFar() => Drain(_roomEvents);

    public Task<string[]> OnlineUsersAsync() => Connection.InvokeAsync<string[]>(nameof(IChatHub.GetOnlineUsers)).DefaultTimeout();

    public Task<ChatMessage> NextMessageAsync() => _messages.Reader.ReadAsync().DefaultTimeout();

    public async Task<List<ChatMessage>> MessagesAsync(int count)
    {
        var messages = new List<ChatMessage>(count);
        while (messages.Count < count)
        {
            messages.Add(await NextMessageAsync());
        }

        return messages;
    }

    public Task<string> NextJoinedAsync() => _joined.Reader.ReadAsync().DefaultTimeout();

    public Task<string> NextLeftAsync() => _left.Reader.ReadAsync().DefaultTimeout();

    /// <summary>The next UserLeft, waiting at most <paramref name="within"/>.</summary>
    public Task<string> NextLeftAsync(TimeSpan within) => _left.Reader.ReadAsync().AsTask().WaitAsync(within);

    public Task<string> NextNoticeAsync() => _notices.Reader.ReadAsync().DefaultTimeout();

    public Task<bool> NextClearedAsync() => _cleared.Reader.ReadAsync().DefaultTimeout();

    /// <summary>What arrived so far without waiting: used to show that nothing else came.</summary>
    public IReadOnlyList<ChatMessage> ReceivedSoFar() => Drain(_messages);

    public IReadOnlyList<string> JoinedSoFar() => Drain(_joined);

    public IReadOnlyList<string> LeftSoFar() => Drain(_left);

    public IReadOnlyList<string> NoticesSoFar() => Drain(_notices);

    private static List<T> Drain<T>(Channel<T> channel)
    {
        var items = new List<T>();
        while (channel.Reader.TryRead(out var item))
        {
            items.Add(item);
        }

        return items;
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
