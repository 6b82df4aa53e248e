using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Client.Console;

/// <summary>One connection to the chat hub: the hub contract's calls and events, with no console I/O.</summary>
internal sealed class ChatSession : IAsyncDisposable
{
    /// <summary>The page size of history requests, as the SPEC asks of clients.</summary>
    public const int PageSize = 100;

    /// <summary>The most messages one <c>GetHistory</c> call may ask for.</summary>
    public const int MaxHistory = 500;

    // How long a failed call waits for the Closed event that may explain it (e.g. a name the server refused at connect).
    private static readonly TimeSpan CloseReasonWait = TimeSpan.FromSeconds(2);

    private readonly HubConnection _connection;
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly ReconnectPolicy _reconnect;

    // Counts reconnects, so a send cut by a disconnect knows when it may go again (see ReconnectedSinceAsync).
    private readonly Lock _gate = new();
    private int _reconnects;
    private TaskCompletionSource _nextReconnect = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChatSession(HubConnection connection, ReconnectPolicy reconnect)
    {
        _connection = connection;
        _reconnect = reconnect;
        _connection.Closed += error =>
        {
            _closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        _connection.Reconnected += _ =>
        {
            TaskCompletionSource reconnected;
            lock (_gate)
            {
                _reconnects++;
                (reconnected, _nextReconnect) = (_nextReconnect, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            }

            reconnected.TrySetResult();
            return Task.CompletedTask;
        };
    }

    public HubConnectionState State => _connection.State;

    /// <summary>How many times the connection has come back so far.</summary>
    public int Reconnects
    {
        get
        {
            lock (_gate)
            {
                return _reconnects;
            }
        }
    }

    /// <summary>Why the last reconnect attempt failed, if one did.</summary>
    public Exception? LastReconnectError => _reconnect.LastReason;

    /// <summary>
    /// Builds (does not start) a connection with automatic reconnect (no stateful reconnect: after a reconnect the
    /// client catches up from the history, and the server does not offer it). <paramref name="transport"/>
    /// adjusts the HTTP options, e.g. so tests can route it through an in-memory server.
    /// </summary>
    public static ChatSession Create(
        ChatEndpoint endpoint, IChatListener? listener = null, Action<HttpConnectionOptions>? transport = null)
    {
        var reconnect = new ReconnectPolicy(endpoint);
        var connection = new HubConnectionBuilder()
            .WithUrl(endpoint.HubUrl, options =>
            {
                if (endpoint.HasToken)
                {
                    // Asked at every connect and reconnect: with --token-file, a renewed token is used as soon as it is there.
                    options.AccessTokenProvider = () => Task.FromResult(endpoint.CurrentToken());
                }

                transport?.Invoke(options);
            })
            .WithAutomaticReconnect(reconnect)
            .Build();
        var session = new ChatSession(connection, reconnect);
        if (listener is not null)
        {
            // After the session's own handlers, so a reconnect is counted before the listener hears of it.
            Listen(connection, listener);
        }

        return session;
    }

    public Task StartAsync(CancellationToken cancellationToken) => _connection.StartAsync(cancellationToken);

    /// <summary>Sends a message or a command; returns the stored message (the ack), or null for a command.</summary>
    public Task<ChatMessage?> SendAsync(string text, string? user, CancellationToken cancellationToken) =>
        InvokeAsync<ChatMessage?>(nameof(IChatHub.SendMessage), [text, user ?? ""], cancellationToken);

    /// <summary>The latest <paramref name="limit"/> messages, or those after <paramref name="afterId"/>; oldest first.</summary>
    public Task<ChatMessage[]> HistoryAsync(long? afterId, int limit, CancellationToken cancellationToken) =>
        InvokeAsync<ChatMessage[]>(nameof(IChatHub.GetHistory), [afterId, limit], cancellationToken);

    /// <summary>Sends to a room, <c>general</c> or <c>@user</c>; the same <paramref name="clientMessageId"/> again returns the first send's message and stores nothing.</summary>
    public Task<ChatMessage?> SendToRoomAsync(string room, string text, string clientMessageId, CancellationToken cancellationToken) =>
        InvokeAsync<ChatMessage?>(nameof(IChatHub.SendToRoom), [room, text, clientMessageId], cancellationToken);

    /// <summary>One conversation's latest <paramref name="limit"/> messages, or those after <paramref name="afterId"/>; oldest first.</summary>
    public Task<ChatMessage[]> RoomHistoryAsync(string room, long? afterId, int limit, CancellationToken cancellationToken) =>
        InvokeAsync<ChatMessage[]>(nameof(IChatHub.GetRoomHistory), [room, afterId, limit], cancellationToken);

    /// <summary>Messages after <paramref name="afterId"/> (null: the latest) in all the user's conversations, oldest first.</summary>
    public Task<ChatMessage[]> MissedMessagesAsync(long? afterId, int limit, CancellationToken cancellationToken) =>
        InvokeAsync<ChatMessage[]>(nameof(IChatHub.GetMissedMessages), [afterId, limit], cancellationToken);

    public Task<RoomSummary> JoinRoomAsync(string room, CancellationToken cancellationToken) =>
        InvokeAsync<RoomSummary>(nameof(IChatHub.JoinRoom), [room], cancellationToken);

    public Task LeaveRoomAsync(string room, CancellationToken cancellationToken) =>
        InvokeAsync<object?>(nameof(IChatHub.LeaveRoom), [room], cancellationToken);

    /// <summary>The user's conversations, <c>general</c> first, with their unread counts.</summary>
    public Task<RoomSummary[]> RoomsAsync(CancellationToken cancellationToken) =>
        InvokeAsync<RoomSummary[]>(nameof(IChatHub.GetRooms), [], cancellationToken);

    public Task MarkReadAsync(string room, long id, CancellationToken cancellationToken) =>
        InvokeAsync<object?>(nameof(IChatHub.MarkRead), [room, id], cancellationToken);

    /// <summary>Completes once the connection has come back more than <paramref name="reconnects"/> times (see <see cref="Reconnects"/>).</summary>
    public async Task ReconnectedSinceAsync(int reconnects, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_reconnects > reconnects)
                {
                    return;
                }

                next = _nextReconnect.Task;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>Invokes a hub method; when the call fails because the server closed the connection, throws the server's reason instead.</summary>
    private async Task<T> InvokeAsync<T>(string method, object?[] arguments, CancellationToken cancellationToken)
    {
        try
        {
            return await _connection.InvokeCoreAsync<T>(method, arguments, cancellationToken);
        }
        catch (Exception error) when (error is not HubException && !cancellationToken.IsCancellationRequested && _connection.State == HubConnectionState.Disconnected)
        {
            Exception? reason = null;
            try
            {
                reason = await _closed.Task.WaitAsync(CloseReasonWait, cancellationToken);
            }
            catch (TimeoutException)
            {
                // No reason given in time: the original failure is all there is to say.
            }

            throw reason is null ? error : new HubException(reason.Message, error);
        }
    }

    private static void Listen(HubConnection connection, IChatListener listener)
    {
        connection.On<ChatMessage>(nameof(IChatClient.ReceiveMessage), listener.MessageReceived);
        connection.On<string>(nameof(IChatClient.UserJoined), listener.UserJoined);
        connection.On<string>(nameof(IChatClient.UserLeft), listener.UserLeft);
        connection.On<string>(nameof(IChatClient.Notice), listener.Notice);
        connection.On(nameof(IChatClient.HistoryCleared), listener.HistoryCleared);
        connection.On<string, string>(nameof(IChatClient.UserJoinedRoom), listener.UserJoinedRoom);
        connection.On<string, string>(nameof(IChatClient.UserLeftRoom), listener.UserLeftRoom);
        connection.On<string>(nameof(IChatClient.RoomCleared), listener.RoomCleared);

        // Read markers and typing are for the page; the console shows neither (a typing line would interleave with messages).
        connection.On<string, long>(nameof(IChatClient.RoomRead), (_, _) => { });
        connection.On<string, string>(nameof(IChatClient.UserTyping), (_, _) => { });
        connection.Reconnecting += error =>
        {
            listener.Reconnecting(error);
            return Task.CompletedTask;
        };
        connection.Reconnected += _ => listener.ReconnectedAsync();
        connection.Closed += error =>
        {
            listener.Closed(error);
            return Task.CompletedTask;
        };
    }
}
