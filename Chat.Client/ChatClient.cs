using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Client;

/// <summary>
/// A connection to a Chat server that gets right what every client must (docs/hub-contract.md, "Delivery"): it
/// reconnects by itself; it raises <see cref="MessageReceived"/> for each new message and <see cref="MessageUpdated"/> for
/// each change (an edit, a delete, a reaction), once each, in position order, in all the user's conversations, across the
/// latest page at start, live ones and those missed during every drop (caught up from its last position, page by page,
/// holding live ones meanwhile, merged by position); and a send cut by a drop is sent again with the same client message
/// id once it is back, so it is stored once.
/// <code>
/// await using var chat = await ChatClient.ConnectAsync(new Uri("http://localhost:5000"), "bot");
/// chat.MessageReceived += message => Console.WriteLine($"{message.User}: {message.Text}");
/// await chat.SendAsync("general", "hello");
/// </code>
/// Events are raised one at a time, in order, on the connection's thread: a handler must not wait for the client.
/// </summary>
public sealed partial class ChatClient : IAsyncDisposable
{
    /// <summary>Messages per page of history and catch-up, as the contract asks of clients.</summary>
    public const int PageSize = 100;

    private readonly HubConnection _connection;
    private readonly ChatClientOptions _options;
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _catchUp = new(1, 1);
    private readonly Lock _gate = new();
    private readonly List<ChatMessage> _held = [];
    private bool _holding = true; // live messages wait while history is read: one shown first would hide older ones still to come
    private long _lastSeenId;
    private int _caughtUp; // catch-ups finished since start, so that a cut send knows when it may go again
    private Action<string>? _userJoined;
    private Action<string>? _userLeft;
    private volatile bool _showsPresence;
    private TaskCompletionSource _nextCatchUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChatClient(HubConnection connection, ChatClientOptions options)
    {
        _connection = connection;
        _options = options;
        Hub = new HubProxy(connection, _closed.Task);
        connection.On<ChatMessage>(nameof(IChatClient.ReceiveMessage), Live);
        connection.On<ChatMessage>(nameof(IChatClient.MessageUpdated), Live);
        connection.On<string>(nameof(IChatClient.UserJoined), user =>
        {
            if (Online.Joined(user))
            {
                _userJoined?.Invoke(user);
            }
        });
        connection.On<string>(nameof(IChatClient.UserLeft), user =>
        {
            if (Online.Left(user))
            {
                _userLeft?.Invoke(user);
            }
        });
        connection.On(nameof(IChatClient.HistoryCleared), () => HistoryCleared?.Invoke());
        connection.On<string>(nameof(IChatClient.Notice), text => Notice?.Invoke(text));
        connection.On<string, string>(nameof(IChatClient.UserJoinedRoom), (room, user) => UserJoinedRoom?.Invoke(room, user));
        connection.On<string, string>(nameof(IChatClient.UserLeftRoom), (room, user) => UserLeftRoom?.Invoke(room, user));
        connection.On<string>(nameof(IChatClient.RoomCleared), room => RoomCleared?.Invoke(room));
        connection.On<string, long>(nameof(IChatClient.RoomRead), (room, id) => RoomRead?.Invoke(room, id));
        connection.On<string, string>(nameof(IChatClient.UserTyping), (room, user) => UserTyping?.Invoke(room, user));
        connection.On<RoomSummary>(nameof(IChatClient.RoomChanged), summary => RoomChanged?.Invoke(summary));
        connection.Reconnecting += error =>
        {
            BeginHolding();
            Reconnecting?.Invoke(error);
            return Task.CompletedTask;
        };
        connection.Reconnected += async _ =>
        {
            Reconnected?.Invoke();
            await CatchUpAsync(first: false, CancellationToken.None);
        };
        connection.Closed += error =>
        {
            _closed.TrySetResult(error);
            Closed?.Invoke(error);
            return Task.CompletedTask;
        };
    }

    /// <summary>Each new message once, in position order with the changes, in all the user's conversations (with <see cref="ChatClientOptions.Follow"/>).</summary>
    public event Action<ChatMessage>? MessageReceived;

    /// <summary>
    /// A message's new state after a change (with its <see cref="ChatMessage.Version"/>), once per change seen. A message changed
    /// before it reached this client (while it was away, say) arrives here first, in its current state: show it as new.
    /// </summary>
    public event Action<ChatMessage>? MessageUpdated;

    /// <summary>
    /// A user came online who was not online as far as this client knew (<see cref="Online"/>): a reload or reconnect of
    /// theirs, or of this client, or a restart of the server, is none.
    /// </summary>
    public event Action<string>? UserJoined
    {
        add
        {
            _userJoined += value;
            ShowPresence();
        }

        remove => _userJoined -= value;
    }

    /// <summary>A user this client knew online went offline (the server waits a few seconds for them to come back first).</summary>
    public event Action<string>? UserLeft
    {
        add
        {
            _userLeft += value;
            ShowPresence();
        }

        remove => _userLeft -= value;
    }

    /// <summary>
    /// Who is online, as this client knows it: read from the server at each connect (with <see cref="ChatClientOptions.Follow"/>)
    /// once a handler of <see cref="UserJoined"/> or <see cref="UserLeft"/> was added (a client that shows no presence does not
    /// fetch every name at each reconnect), kept by the presence events.
    /// </summary>
    public OnlineUsers Online { get; } = new(TimeProvider.System);

    public event Action? HistoryCleared;

    public event Action<string>? Notice;

    public event Action<string, string>? UserJoinedRoom;

    public event Action<string, string>? UserLeftRoom;

    public event Action<string>? RoomCleared;

    public event Action<string, long>? RoomRead;

    public event Action<string, string>? UserTyping;

    /// <summary>A room's topic or privacy, or the user's role in it, changed (<see cref="IChatClient.RoomChanged"/>).</summary>
    public event Action<RoomSummary>? RoomChanged;

    /// <summary>The connection dropped; the client is trying to come back.</summary>
    public event Action<Exception?>? Reconnecting;

    /// <summary>The connection is back; what was missed follows through <see cref="MessageReceived"/>.</summary>
    public event Action? Reconnected;

    /// <summary>The messages missed during a drop could not be read although connected; live messages go on.</summary>
    public event Action<Exception>? CatchUpFailed;

    /// <summary>The connection is closed for good (stopped, or gave up reconnecting).</summary>
    public event Action<Exception?>? Closed;

    /// <summary>Every hub method, as a typed call (docs/hub-contract.md).</summary>
    public IChatHub Hub { get; }

    /// <summary>The underlying SignalR connection, for what this class does not cover.</summary>
    public HubConnection Connection => _connection;

    public HubConnectionState State => _connection.State;

    /// <summary>
    /// The highest position raised by <see cref="MessageReceived"/> or <see cref="MessageUpdated"/> (a message's id, or a
    /// change's version): every message and change before it has been raised.
    /// </summary>
    public long LastSeenId
    {
        get
        {
            lock (_gate)
            {
                return _lastSeenId;
            }
        }
    }

    /// <summary>A client, not started, with automatic reconnect (no stateful reconnect: the catch-up gives the same guarantee).</summary>
    public static ChatClient Create(ChatClientOptions options)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(options.HubUrl, http =>
            {
                if (options.AccessTokenProvider is { } tokens)
                {
                    http.AccessTokenProvider = tokens;
                }

                options.ConfigureHttp?.Invoke(http);
            });
        builder = options.ReconnectPolicy is { } policy ? builder.WithAutomaticReconnect(policy) : builder.WithAutomaticReconnect();
        return new ChatClient(builder.Build(), options);
    }

    /// <summary>Connects to <paramref name="server"/> as <paramref name="user"/> (sign-in off) and loads the latest messages.</summary>
    public static async Task<ChatClient> ConnectAsync(Uri server, string? user = null, CancellationToken cancellationToken = default)
    {
        var client = Create(new ChatClientOptions { Server = server, User = user });
        try
        {
            await client.StartAsync(cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>Connects; with <see cref="ChatClientOptions.Follow"/>, raises the latest page of messages before live ones.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _connection.StartAsync(cancellationToken);
        await CatchUpAsync(first: true, cancellationToken);
    }

    /// <summary>
    /// Sends <paramref name="text"/> to a conversation (<c>general</c>, a room, <c>@user</c>) under a new client message id;
    /// returns the stored message once committed (null for a command). If the connection drops before the answer, it is
    /// sent again with the same id once the client is back and caught up: the server stores it once.
    /// </summary>
    public Task<ChatMessage?> SendAsync(string room, string text, CancellationToken cancellationToken = default) =>
        SendAsync(room, text, Guid.NewGuid().ToString(), cancellationToken);

    /// <summary>As <see cref="SendAsync(string, string, CancellationToken)"/> with the caller's client message id.</summary>
    public Task<ChatMessage?> SendAsync(string room, string text, string clientMessageId, CancellationToken cancellationToken = default) =>
        ResendUntilAnsweredAsync(() => Hub.SendToRoom(room, text, clientMessageId), cancellationToken);

    /// <summary>
    /// As <see cref="SendAsync(string, string, CancellationToken)"/>, answering message <paramref name="replyTo"/> of the same
    /// conversation (<c>Post</c>).
    /// </summary>
    public Task<ChatMessage?> ReplyAsync(string room, long replyTo, string text, CancellationToken cancellationToken = default)
    {
        var draft = new MessageDraft(text, Guid.NewGuid().ToString(), replyTo);
        return ResendUntilAnsweredAsync(() => Hub.Post(room, draft), cancellationToken);
    }

    /// <summary>
    /// Searches the messages of <paramref name="room"/> (null: every conversation the user can read) for <paramref name="query"/>
    /// (words, the last also as a prefix; <c>"a phrase"</c>; <c>from:NAME</c>; <c>in:#room</c> or <c>in:@user</c>); returns at most
    /// <paramref name="limit"/> (1 to 100) hits, newest first. A query the server refuses throws a <see cref="HubException"/> that says why.
    /// </summary>
    public Task<SearchHit[]> SearchAsync(string query, string? room = null, int limit = 20, CancellationToken cancellationToken = default) =>
        Hub.SearchMessages(query, room, limit).WaitAsync(cancellationToken);

    /// <summary>
    /// Makes a send (with its client message id, so a repeat stores nothing new) until the server answers: a drop cuts it,
    /// and it goes again once the client is back and caught up.
    /// </summary>
    private async Task<ChatMessage?> ResendUntilAnsweredAsync(Func<Task<ChatMessage?>> send, CancellationToken cancellationToken)
    {
        var cut = false;
        while (true)
        {
            var caughtUp = Volatile.Read(ref _caughtUp);
            try
            {
                return await send().WaitAsync(cancellationToken);
            }
            catch (Exception error) when (error is not HubException && !cancellationToken.IsCancellationRequested)
            {
                // Anything but the server's answer: the send may or may not be stored. Waiting throws if the connection is gone for good.
                if (!cut)
                {
                    cut = true;
                    SendCut?.Invoke(error);
                }

                await CaughtUpSinceAsync(caughtUp, error, cancellationToken);
            }
        }
    }

    /// <summary>A send was cut by a drop (raised once per send); it goes again once the client is back.</summary>
    public event Action<Exception>? SendCut;

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _catchUp.Dispose();
        _http?.Dispose();
    }

    /// <summary>
    /// The first presence handler: from now on each connect reads who is online, and if connected already, that is read
    /// now (the README's product adds its handlers after <see cref="ConnectAsync"/>).
    /// </summary>
    private void ShowPresence()
    {
        if (_showsPresence || !_options.Follow)
        {
            _showsPresence = true;
            return;
        }

        _showsPresence = true;
        if (_connection.State == HubConnectionState.Connected)
        {
            Online.Resetting();
            _ = ListOnlineAsync();
        }

        async Task ListOnlineAsync()
        {
            try
            {
                Online.Reset(await Hub.GetOnlineUsers(), reconnected: false);
            }
            catch (Exception)
            {
                // Presence is a courtesy: go on with what is known (the next reconnect reads the list again).
                Online.Reset(Online.Users, reconnected: false);
            }
        }
    }

    /// <summary>
    /// Reads what was missed in every conversation (at start, the latest page) and raises it, then the live messages held
    /// meanwhile that it did not bring. A failure while still connected is reported and live messages go on; one from a
    /// new drop leaves the holding to the next reconnect's catch-up.
    /// </summary>
    private async Task CatchUpAsync(bool first, CancellationToken cancellationToken)
    {
        if (!_options.Follow)
        {
            EndHolding();
            return;
        }

        await _catchUp.WaitAsync(cancellationToken);
        try
        {
            if (first)
            {
                Deliver(await Hub.GetMissedMessages(null, PageSize).WaitAsync(cancellationToken));
            }
            else
            {
                ChatMessage[] page;
                do
                {
                    page = await Hub.GetMissedMessages(LastSeenId, PageSize).WaitAsync(cancellationToken);
                    Deliver(page);
                }
                while (page.Length == PageSize);
            }

            if (_showsPresence)
            {
                Online.Resetting();
                Online.Reset(await Hub.GetOnlineUsers().WaitAsync(cancellationToken), reconnected: !first);
            }

            EndHolding();
        }
        catch (Exception error) when (_connection.State == HubConnectionState.Connected && !cancellationToken.IsCancellationRequested && !first)
        {
            CatchUpFailed?.Invoke(error);
            EndHolding();
        }
        catch (Exception) when (!first)
        {
            // Disconnected again: the next reconnect catches up from the same last seen id.
        }
        finally
        {
            _catchUp.Release();
        }
    }

    /// <summary>A message from <c>ReceiveMessage</c> or <c>MessageUpdated</c>: raised now, or held while history is read.</summary>
    internal void Live(ChatMessage message)
    {
        lock (_gate)
        {
            if (_holding)
            {
                _held.Add(message);
            }
            else
            {
                Raise(message);
            }
        }
    }

    /// <summary>A page of history: raises the messages and changes not raised yet, in position order.</summary>
    internal void Deliver(IEnumerable<ChatMessage> page)
    {
        lock (_gate)
        {
            foreach (var message in page.OrderBy(message => message.Position()))
            {
                Raise(message);
            }
        }
    }

    /// <summary>Live messages are held from now on, until <see cref="EndHolding"/> (a drop: nothing arrives before the catch-up).</summary>
    internal void BeginHolding()
    {
        lock (_gate)
        {
            _holding = true;
        }
    }

    /// <summary>Raises the live messages held meanwhile that history did not bring, and stops holding.</summary>
    internal void EndHolding()
    {
        TaskCompletionSource caughtUp;
        lock (_gate)
        {
            _holding = false;
            foreach (var message in _held.OrderBy(message => message.Position()))
            {
                Raise(message);
            }

            _held.Clear();
            _caughtUp++;
            (caughtUp, _nextCatchUp) = (_nextCatchUp, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        caughtUp.TrySetResult();
    }

    /// <summary>Raises a message or change not raised before (under the lock, so that raises keep position order).</summary>
    private void Raise(ChatMessage message)
    {
        var position = message.Position();
        if (position <= _lastSeenId)
        {
            return;
        }

        _lastSeenId = position;
        (message.Version is null ? MessageReceived : MessageUpdated)?.Invoke(message);
    }

    /// <summary>Completes once a catch-up after the <paramref name="caughtUp"/>-th has finished; throws <paramref name="cut"/> once the connection is closed for good.</summary>
    private async Task CaughtUpSinceAsync(int caughtUp, Exception cut, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_caughtUp > caughtUp)
                {
                    return;
                }

                next = _nextCatchUp.Task;
            }

            if (await Task.WhenAny(next, _closed.Task).WaitAsync(cancellationToken) == _closed.Task)
            {
                throw cut;
            }
        }
    }
}
