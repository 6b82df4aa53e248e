using Microsoft.AspNetCore.Http.Connections.Client;

namespace Chat.Client.Console;

/// <summary>
/// The one-shot modes, <c>--send</c> and <c>--history</c>: connect, do one call, exit. In general they connect as a
/// guest (no join or leave line for others); a room or direct conversation is the user's, so there they connect by name.
/// </summary>
internal static class ScriptedChat
{
    /// <summary>
    /// Sends <paramref name="text"/> to general, or to <paramref name="conversation"/> (a room or <c>@user</c>), and
    /// returns once the server has stored it; a command's notices go to <paramref name="output"/>.
    /// </summary>
    public static async Task SendAsync(
        ChatEndpoint endpoint, string text, string? conversation, TextWriter output, Action<HttpConnectionOptions>? transport,
        CancellationToken cancellationToken)
    {
        var notices = new NoticePrinter(output);
        await using var session = ChatSession.Create(conversation is null ? endpoint.AsGuest() : endpoint, notices, transport);
        await session.StartAsync(cancellationToken);
        if (conversation is null)
        {
            await session.SendAsync(text, endpoint.User, cancellationToken);
        }
        else
        {
            await session.SendToRoomAsync(conversation, text, Guid.NewGuid().ToString(), cancellationToken);
        }

        if (RepliesWithNotice(text))
        {
            // The client runs handlers apart from call completions, so the reply may still be on its way.
            await notices.First.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
    }

    /// <summary>Commands whose only result is a Notice to the caller.</summary>
    private static bool RepliesWithNotice(string text) =>
        text.Split(' ', 2)[0].ToLowerInvariant() is "/help" or "/who";

    /// <summary>
    /// Prints the last <paramref name="count"/> messages of general, or of <paramref name="conversation"/>, oldest
    /// first; that conversation is the current one, so its lines have no <c>#room</c> prefix.
    /// </summary>
    public static async Task PrintHistoryAsync(
        ChatEndpoint endpoint, int count, string? conversation, Terminal terminal, Action<HttpConnectionOptions>? transport,
        CancellationToken cancellationToken)
    {
        await using var session = ChatSession.Create(conversation is null ? endpoint.AsGuest() : endpoint, listener: null, transport);
        await session.StartAsync(cancellationToken);
        var messages = conversation is null
            ? await session.HistoryAsync(afterId: null, count, cancellationToken)
            : await session.RoomHistoryAsync(conversation, afterId: null, count, cancellationToken);
        foreach (var message in messages)
        {
            terminal.Output.WriteLine(Transcript.Format(message, terminal.Clock, conversation ?? Conversations.General));
        }
    }

    /// <summary>Shows the reply to a command sent with <c>--send</c> (e.g. <c>/who</c>); it arrives before the ack.</summary>
    private sealed class NoticePrinter(TextWriter output) : IChatListener
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes once the first notice has been printed.</summary>
        public Task First => _first.Task;

        public void Notice(string text)
        {
            output.WriteLine(text);
            _first.TrySetResult();
        }
    }
}
