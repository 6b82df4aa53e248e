using System.Threading.Channels;
using Chat.Server.History;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Infrastructure;

/// <summary>A hub connection that records every server-to-client call, each kind in its own queue.</summary>
internal sealed class TestClient : IAsyncDisposable
{
    private readonly Channel<ChatMessage> _messages = Channel.CreateUnbounded<ChatMessage>();
    private readonly Channel<string> _joined = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _left = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _notices = Channel.CreateUnbounded<string>();
    private readonly Channel<bool> _cleared = Channel.CreateUnbounded<bool>();
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TestClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<ChatMessage>("ReceiveMessage", message => _messages.Writer.TryWrite(message));
        connection.On<string>("UserJoined", user => _joined.Writer.TryWrite(user));
        connection.On<string>("UserLeft", user => _left.Writer.TryWrite(user));
        connection.On<string>("Notice", text => _notices.Writer.TryWrite(text));
        connection.On("HistoryCleared", () => _cleared.Writer.TryWrite(true));
        connection.Closed += error =>
        {
            _closed.TrySetResult(error);
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    /// <summary>Completes with the close error (or null) when the server closes the connection.</summary>
    public Task<Exception?> Closed => _closed.Task;

    public Task<ChatMessage?> SendAsync(string text, string user = "alice") =>
        Connection.InvokeAsync<ChatMessage?>("SendMessage", text, user).DefaultTimeout();

    public Task<ChatMessage[]> HistoryAsync(long? afterId = null, int limit = 100) =>
        Connection.InvokeAsync<ChatMessage[]>("GetHistory", afterId, limit).DefaultTimeout();

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

    public Task<string[]> OnlineUsersAsync() => Connection.InvokeAsync<string[]>("GetOnlineUsers").DefaultTimeout();

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
