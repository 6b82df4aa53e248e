using System.Globalization;

namespace Chat.Client.Console;

/// <summary>
/// What the user sees of the chat: the client's stream of messages (each once and in id order, in all the user's
/// conversations: <see cref="ChatClient.MessageReceived"/>), and the pages <c>/go</c> and <c>/join</c> show; messages
/// of the current conversation plain, the others with <c>#room</c> or <c>@peer</c> before the sender.
/// </summary>
internal sealed class Transcript(TextWriter output, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private long _lastSeenId;
    private string _current = Conversations.General;
    private long _newestShownInCurrent; // since it became current; 0: none

    // Messages of a room just joined, printed ahead of _lastSeenId: a later catch-up page brings them again.
    private readonly HashSet<long> _printedAhead = [];

    // One caller at a time may wait for a message to be printed (see PrintedAsync).
    private long _awaitedId;
    private TaskCompletionSource? _awaited;

    /// <summary>The conversation typed lines go to; its messages print without a prefix.</summary>
    public string Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }

        set
        {
            lock (_gate)
            {
                if (_current != value)
                {
                    (_current, _newestShownInCurrent) = (value, 0);
                }
            }
        }
    }

    /// <summary>The current conversation and the newest of its messages printed since it became current (0: none): what the user has read there.</summary>
    public (string Room, long NewestShown) CurrentRead
    {
        get
        {
            lock (_gate)
            {
                return (_current, _newestShownInCurrent);
            }
        }
    }

    /// <summary>The highest id printed from the client's stream.</summary>
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

    /// <summary>Completes once message <paramref name="id"/>, or a later one, has been printed, whichever way it came.</summary>
    public Task PrintedAsync(long id)
    {
        lock (_gate)
        {
            if (_lastSeenId >= id)
            {
                return Task.CompletedTask;
            }

            _awaitedId = id;
            _awaited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _awaited.Task;
        }
    }

    /// <summary>A message of the client's stream: printed, unless a join printed it already.</summary>
    public void Live(ChatMessage message)
    {
        lock (_gate)
        {
            PrintIfNew(message);
        }
    }

    /// <summary>
    /// A conversation's recent messages, shown again when it becomes current. Only those up to <see cref="LastSeenId"/>,
    /// and those a join printed ahead of it: other newer ones are on their way live or in a catch-up page, and print there, once.
    /// </summary>
    public void Recent(IEnumerable<ChatMessage> page)
    {
        lock (_gate)
        {
            foreach (var message in page.Where(m => m.Id <= _lastSeenId || _printedAhead.Contains(m.Id)).OrderBy(m => m.Id))
            {
                output.WriteLine(Format(message, clock, _current));
            }
        }
    }

    /// <summary>
    /// The recent messages of a room just joined, which no live message or catch-up brought: all printed. Those
    /// newer than <see cref="LastSeenId"/> do not move it (messages of other conversations before them may still be
    /// on their way); they are remembered instead, so that a catch-up page that brings them does not print them again.
    /// </summary>
    public void Joined(IEnumerable<ChatMessage> page)
    {
        lock (_gate)
        {
            foreach (var message in page.OrderBy(m => m.Id))
            {
                if (message.Id > _lastSeenId && !_printedAhead.Add(message.Id))
                {
                    continue;
                }

                output.WriteLine(Format(message, clock, _current));
            }
        }
    }

    /// <summary>A line that is not a message: presence, notices, connection state, errors.</summary>
    public void Line(string text)
    {
        lock (_gate)
        {
            output.WriteLine(text);
        }
    }

    /// <summary>
    /// <c>[HH:mm] user: text</c> in the local time of <paramref name="clock"/>, for a message of the
    /// <paramref name="current"/> conversation; <c>[HH:mm] #room user: text</c> or <c>[HH:mm] @peer user: text</c> for another.
    /// </summary>
    public static string Format(ChatMessage message, TimeProvider clock, string current = Conversations.General)
    {
        var utc = message.SentAt.Kind == DateTimeKind.Local ? message.SentAt.ToUniversalTime() : DateTime.SpecifyKind(message.SentAt, DateTimeKind.Utc);
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, clock.LocalTimeZone);
        var room = message.Room ?? Conversations.General; // a server from before rooms sends none
        var where = string.Equals(room, current, StringComparison.Ordinal) ? "" : Printable(Conversations.Display(room)) + " ";
        return string.Create(CultureInfo.InvariantCulture, $"[{local:HH:mm}] {where}{Printable(message.User)}: {Printable(message.Text)}");
    }

    // Text is shown as given, except control characters that would let a sender move the cursor or recolour the screen.
    private static string Printable(string text) =>
        text.Any(c => char.IsControl(c) && c is not '\n' and not '\t')
            ? string.Concat(text.Select(c => char.IsControl(c) && c is not '\n' and not '\t' ? '\uFFFD' : c))
            : text;

    private void PrintIfNew(ChatMessage message)
    {
        if (message.Id <= _lastSeenId)
        {
            return;
        }

        _lastSeenId = message.Id;
        if (message.Room == _current)
        {
            _newestShownInCurrent = message.Id;
        }

        if (_printedAhead.Count == 0 || !_printedAhead.Remove(message.Id))
        {
            output.WriteLine(Format(message, clock, _current));
        }

        if (_printedAhead.Count > 0)
        {
            _printedAhead.RemoveWhere(id => id <= _lastSeenId);
        }
        if (_awaited is not null && _lastSeenId >= _awaitedId)
        {
            _awaited.TrySetResult();
            _awaited = null;
        }
    }
}
