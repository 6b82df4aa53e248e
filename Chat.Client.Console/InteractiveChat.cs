using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Client.Console;

/// <summary>
/// The interactive client: prints recent history, then live messages of all the user's conversations, presence,
/// notices and connection state, and runs each input line (<see cref="Prompt"/>). After a reconnect it prints
/// the messages missed, each once.
/// </summary>
internal sealed class InteractiveChat(TextReader input, TextWriter output, TimeProvider clock) : IChatListener, IDisposable
{
    /// <summary>How long the client waits at end of input for its last message to come back before it exits.</summary>
    private static readonly TimeSpan EchoWait = TimeSpan.FromSeconds(5);

    private readonly Transcript _transcript = new(output, clock);
    private readonly SemaphoreSlim _catchUpGate = new(1, 1);
    private ChatSession? _session;
    private Uri? _server;
    private ChatEndpoint? _endpoint;
    private CancellationTokenSource? _running;
    private volatile bool _started;
    private volatile bool _reconnecting;
    private volatile bool _lost;

    /// <summary>
    /// Runs until input ends or <paramref name="cancellationToken"/> fires (0), or the connection is lost for good (1).
    /// Failing to connect or to load history throws, for the caller to report.
    /// </summary>
    public async Task<int> RunAsync(ChatEndpoint endpoint, Action<HttpConnectionOptions>? transport, CancellationToken cancellationToken)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await using var session = ChatSession.Create(endpoint, this, transport);
        var prompt = new Prompt(session, _transcript, endpoint.Server);
        (_session, _server, _endpoint, _running) = (session, endpoint.Server, endpoint, running);
        try
        {
            await session.StartAsync(running.Token);
            _transcript.History(await session.MissedMessagesAsync(afterId: null, ChatSession.PageSize, running.Token));
            _transcript.EndCatchUp();
            _started = true;
            _transcript.Line(
                $"* connected to {endpoint.Server} as {endpoint.User}, in #general; type a message and press Enter " +
                "(/help lists commands; /join, /leave, /rooms, /go and /msg move between conversations; Ctrl+D quits)");

            while (await ReadLineAsync(running.Token) is { } line)
            {
                if (!string.IsNullOrWhiteSpace(line))
                {
                    await prompt.RunAsync(line, running.Token);
                }
            }

            await WaitForEchoAsync(prompt.LastSentId, running.Token);
            return 0;
        }
        catch (OperationCanceledException) when (running.IsCancellationRequested)
        {
            return _lost ? 1 : 0;
        }
        finally
        {
            _started = false;
        }
    }

    public void MessageReceived(ChatMessage message) => _transcript.Live(message);

    public void UserJoined(string user) => _transcript.Line($"* {user} joined");

    public void UserLeft(string user) => _transcript.Line($"* {user} left");

    public void Notice(string text) => _transcript.Line($"* {text}");

    public void HistoryCleared() => _transcript.Line("* history cleared");

    public void UserJoinedRoom(string room, string user) => _transcript.Line($"* {user} joined {Conversations.Display(room)}");

    public void UserLeftRoom(string room, string user) => _transcript.Line($"* {user} left {Conversations.Display(room)}");

    public void RoomCleared(string room) => _transcript.Line($"* {Conversations.Display(room)} cleared");

    public void Reconnecting(Exception? error)
    {
        _reconnecting = true;
        _transcript.BeginCatchUp();
        _transcript.Line("* reconnecting...");
    }

    public async Task ReconnectedAsync()
    {
        _reconnecting = false;
        _transcript.Line("* reconnected");
        await CatchUpAsync();
    }

    public void Closed(Exception? error)
    {
        if (!_started)
        {
            // Either we are stopping, or start-up failed and the caller reports why.
            return;
        }

        _transcript.Line(_reconnecting
            ? _session?.LastReconnectError is { } why
                ? $"* connection lost: gave up reconnecting: {ErrorText.Describe(why, _server!, _endpoint)}"
                : "* connection lost: gave up reconnecting"
            : $"* connection lost: {(error is null ? "the server closed the connection" : ErrorText.Describe(error, _server!))}");
        _lost = true;
        _running?.Cancel();
    }

    /// <summary>Pages through <c>GetMissedMessages(lastSeenId)</c> until a page is not full, printing what was missed in every conversation.</summary>
    private async Task CatchUpAsync()
    {
        var stopping = _running!.Token;
        await _catchUpGate.WaitAsync(stopping);
        try
        {
            _transcript.BeginCatchUp();
            ChatMessage[] page;
            do
            {
                page = await _session!.MissedMessagesAsync(_transcript.LastSeenId, ChatSession.PageSize, stopping);
                _transcript.History(page);
            }
            while (page.Length == ChatSession.PageSize);

            _transcript.EndCatchUp();
        }
        catch (Exception error) when (_session!.State == HubConnectionState.Connected && !stopping.IsCancellationRequested)
        {
            // Still connected, so no later reconnect will retry: say so and carry on with live messages.
            _transcript.Line($"error: could not fetch the messages missed while disconnected: {ErrorText.Describe(error, _server!)}");
            _transcript.EndCatchUp();
        }
        catch (Exception)
        {
            // Disconnected again or stopping: the next Reconnected catches up from the same last seen id.
        }
        finally
        {
            _catchUpGate.Release();
        }
    }

    /// <summary>
    /// At end of input, waits (at most <see cref="EchoWait"/>) until the last message this client sent has
    /// come back and been printed: the ack comes as soon as the message is committed, and its broadcast
    /// just after it, so a client that exited on the ack could leave without showing what was typed.
    /// </summary>
    private async Task WaitForEchoAsync(long lastSentId, CancellationToken cancellationToken)
    {
        try
        {
            await _transcript.PrintedAsync(lastSentId).WaitAsync(EchoWait, clock, cancellationToken);
        }
        catch (TimeoutException)
        {
            // It is stored all the same (acked means committed); it shows in the history next time.
        }
    }

    public void Dispose() => _catchUpGate.Dispose();

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken) =>
        // Console.In reads synchronously, so the read runs on its own thread; cancelling stops waiting for it.
        await Task.Run(() => input.ReadLineAsync(cancellationToken).AsTask(), cancellationToken).WaitAsync(cancellationToken);
}
