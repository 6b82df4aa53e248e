using Microsoft.AspNetCore.Http.Connections.Client;

namespace Chat.Client.Console;

/// <summary>The one-shot modes, <c>--send</c> and <c>--history</c>: connect as a guest (no join or leave line for others), do one call, exit.</summary>
internal static class ScriptedChat
{
    /// <summary>Sends <paramref name="text"/> and returns once the server has stored it; a command's notices go to <paramref name="output"/>.</summary>
    public static async Task SendAsync(
        ChatEndpoint endpoint, string text, TextWriter output, Action<HttpConnectionOptions>? transport, CancellationToken cancellationToken)
    {
        var notices = new NoticePrinter(output);
        await using var session = ChatSession.Create(endpoint.AsGuest(), notices, transport);
        await session.StartAsync(cancellationToken);
        await session.SendAsync(text, endpoint.User, cancellationToken);
        if (RepliesWithNotice(text))
        {
            // The client runs handlers apart from call completions, so the reply may still be on its way.
            await notices.First.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
    }

    /// <summary>Commands whose only result is a Notice to the caller.</summary>
    private static bool RepliesWithNotice(string text) =>
        text.Split(' ', 2)[0].ToLowerInvariant() is "/help" or "/who";

    /// <summary>Prints the last <paramref name="count"/> messages, oldest first.</summary>
    public static async Task PrintHistoryAsync(
        ChatEndpoint endpoint, int count, Terminal terminal, Action<HttpConnectionOptions>? transport, CancellationToken cancellationToken)
    {
        await using var session = ChatSession.Create(endpoint.AsGuest(), listener: null, transport);
        await session.StartAsync(cancellationToken);
        foreach (var message in await session.HistoryAsync(afterId: null, count, cancellationToken))
        {
            terminal.Output.WriteLine(Transcript.Format(message, terminal.Clock));
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
