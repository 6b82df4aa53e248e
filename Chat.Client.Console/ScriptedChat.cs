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
        await using var client = (conversation is null ? endpoint.AsGuest() : endpoint).Client(follow: false, transport: transport);
        var notice = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Notice += text =>
        {
            output.WriteLine(text);
            notice.TrySetResult();
        };
        await client.StartAsync(cancellationToken);
        if (conversation is null)
        {
            await client.Hub.SendMessage(text, endpoint.User ?? "").WaitAsync(cancellationToken);
        }
        else
        {
            await client.SendAsync(conversation, text, cancellationToken);
        }

        if (RepliesWithNotice(text))
        {
            // The client runs handlers apart from call completions, so the reply may still be on its way.
            await notice.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
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
        await using var client = (conversation is null ? endpoint.AsGuest() : endpoint).Client(follow: false, transport: transport);
        await client.StartAsync(cancellationToken);
        var messages = conversation is null
            ? await client.Hub.GetHistory(afterId: null, count).WaitAsync(cancellationToken)
            : await client.Hub.GetRoomHistory(conversation, afterId: null, count).WaitAsync(cancellationToken);
        var byId = messages.ToDictionary(message => message.Id);
        foreach (var message in messages)
        {
            terminal.Output.WriteLine(MessageLines.Message(message, terminal.Clock, conversation ?? Conversations.General, byId.GetValueOrDefault, terminal.Names, endpoint.Server));
        }
    }
}
