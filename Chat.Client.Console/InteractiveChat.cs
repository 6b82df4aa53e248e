using System.Text;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR;
using Spectre.Console;

namespace Chat.Client.Console;

/// <summary>
/// The interactive client: prints recent history, then live messages and changes to them in all the user's conversations,
/// presence, notices and connection state, and runs each input line (<see cref="Prompt"/>). After a reconnect it prints
/// the messages and changes missed, each once.
/// </summary>
internal sealed class InteractiveChat
{
    /// <summary>How long the client waits at end of input for its last message to come back before it exits.</summary>
    private static readonly TimeSpan EchoWait = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _clock;
    private readonly Transcript _transcript;
    private readonly Func<CancellationToken, Task<string?>> _readLine;
    private readonly RoomStates _rooms = new();
    private volatile bool _started;
    private volatile bool _reconnecting;
    private volatile bool _lost;

    /// <summary>Plain lines in and out, as from and to pipes: each input line is run, and each line printed as it comes.</summary>
    public InteractiveChat(TextReader input, TextWriter output, TimeProvider clock)
    {
        _clock = clock;
        _transcript = new Transcript(output, clock);
        _readLine = cancellationToken => ReadLineAsync(input, cancellationToken);
    }

    /// <summary>At a terminal: lines are typed at a prompt naming the current conversation, and the chat prints above them, names in colour.</summary>
    public InteractiveChat(IAnsiConsole console, NameColours names, TimeProvider clock)
    {
        Transcript? transcript = null;
        var line = new InputLine(console, () => transcript!.Current);
        _clock = clock;
        _transcript = transcript = new Transcript(line.Above, clock, names);
        _readLine = line.ReadLineAsync;
    }

    /// <summary>
    /// Runs until input ends or <paramref name="cancellationToken"/> fires (0), or the connection is lost for good (1).
    /// Failing to connect or to load history throws, for the caller to report.
    /// </summary>
    public async Task<int> RunAsync(ChatEndpoint endpoint, Action<HttpConnectionOptions>? transport, CancellationToken cancellationToken)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reconnect = new ReconnectPolicy(endpoint);
        await using var client = endpoint.Client(follow: true, reconnect, transport);
        Listen(client, endpoint, reconnect, running);
        _transcript.Server = endpoint.Server;
        var prompt = new Prompt(client, _transcript, endpoint.Server, endpoint.User?.Normalize(NormalizationForm.FormC), _rooms);
        try
        {
            await client.StartAsync(running.Token);
            _started = true;
            await KnowRoomsAsync(client, running.Token);
            _transcript.Line(
                $"* connected to {endpoint.Server} as {endpoint.User}, in #general; type a message and press Enter " +
                "(/help lists commands; /join, /leave, /rooms, /go and /msg move between conversations; " +
                "/reply, /edit, /delete and /react act on the last message; /search finds messages; " +
                "/create makes a room and /invite, /kick, /ban, /mute, /topic, /role and /modlog moderate it; Ctrl+D quits)");

            while (await _readLine(running.Token) is { } line)
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

    /// <summary>
    /// The topics and roles of the user's rooms as they are at the start, so that a <c>RoomChanged</c> can say what changed. Without
    /// them (the server refused, e.g. a guest, or closed the connection at once, e.g. for a name it refuses) changes are told against
    /// a room with no topic where the user is a member; what went wrong with the connection is for the session to say, as before.
    /// </summary>
    private async Task KnowRoomsAsync(ChatClient client, CancellationToken cancellationToken)
    {
        try
        {
            _rooms.Know(await client.Hub.GetRooms().WaitAsync(cancellationToken));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Only a help for the lines RoomChanged prints.
        }
    }

    /// <summary>What the client hears, as lines of the transcript. Read markers and typing are for the page: a typing line would interleave with messages.</summary>
    private void Listen(ChatClient client, ChatEndpoint endpoint, ReconnectPolicy reconnect, CancellationTokenSource running)
    {
        var self = endpoint.User?.Normalize(NormalizationForm.FormC);
        client.MessageReceived += _transcript.Live;
        client.MessageUpdated += _transcript.Updated;
        client.UserJoined += user => _transcript.Line($"* {user} joined");
        client.UserLeft += user => _transcript.Line($"* {user} left");
        client.Notice += text => _transcript.Line($"* {text}");
        client.HistoryCleared += () => _transcript.Cleared(Conversations.General, "* history cleared");
        client.UserJoinedRoom += (room, user) => _transcript.Line($"* {user} joined {Conversations.Display(room)}");
        client.UserLeftRoom += (room, user) =>
        {
            _transcript.Line($"* {user} left {Conversations.Display(room)}");
            if (user.Normalize(NormalizationForm.FormC) == self)
            {
                _transcript.Left(room); // left here or elsewhere, or kicked or banned: typing there would be refused
            }
        };
        client.RoomChanged += summary =>
        {
            foreach (var line in _rooms.Changed(summary))
            {
                _transcript.Line(line);
            }
        };
        client.RoomCleared += room => _transcript.Cleared(room, $"* {Conversations.Display(room)} cleared");
        client.SendCut += _ => _transcript.Line("* not sent yet: it is sent again once reconnected");
        client.Reconnecting += _ =>
        {
            _reconnecting = true;
            _transcript.Line("* reconnecting...");
        };
        client.Reconnected += () =>
        {
            _reconnecting = false;
            _transcript.Line("* reconnected");
        };
        client.CatchUpFailed += error =>
            _transcript.Line($"error: could not fetch the messages missed while disconnected: {ErrorText.Describe(error, endpoint.Server)}");
        client.Closed += error =>
        {
            if (!_started)
            {
                // Either we are stopping, or start-up failed and the caller reports why.
                return;
            }

            _transcript.Line(_reconnecting
                ? reconnect.LastReason is { } why
                    ? $"* connection lost: gave up reconnecting: {ErrorText.Describe(why, endpoint.Server, endpoint)}"
                    : "* connection lost: gave up reconnecting"
                : $"* connection lost: {(error is null ? "the server closed the connection" : ErrorText.Describe(error, endpoint.Server))}");
            _lost = true;
            running.Cancel();
        };
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
            await _transcript.PrintedAsync(lastSentId).WaitAsync(EchoWait, _clock, cancellationToken);
        }
        catch (TimeoutException)
        {
            // It is stored all the same (acked means committed); it shows in the history next time.
        }
    }

    private static async Task<string?> ReadLineAsync(TextReader input, CancellationToken cancellationToken) =>
        // Console.In reads synchronously, so the read runs on its own thread; cancelling stops waiting for it.
        await Task.Run(() => input.ReadLineAsync(cancellationToken).AsTask(), cancellationToken).WaitAsync(cancellationToken);
}
