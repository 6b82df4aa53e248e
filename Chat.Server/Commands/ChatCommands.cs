using Chat.Server.Rules;

namespace Chat.Server.Commands;

public enum ChatCommand
{
    Help,
    Who,
    Clear,
}

/// <summary>Tells commands (text starting with <c>/</c>) from messages.</summary>
public static class ChatCommands
{
    /// <summary>
    /// The <c>/help</c> notice: only the commands that work for this caller on this server, so <c>/clear</c> is listed only
    /// when <see cref="ClearRefusal"/> lets the caller run it.
    /// </summary>
    public static string HelpText(bool mayClear) =>
        "Commands: /help shows this list; /who lists who is online" +
        (mayClear ? "; /clear deletes the history of this conversation" : "") +
        ". To send text that starts with /, begin it with // (\"//shrug\" sends \"/shrug\").";

    /// <summary>
    /// Why the caller may not run <c>/clear</c>, or null when they may: with sign-in, admins only; without it, only where
    /// <c>Chat:AllowClearWithoutSignIn</c> is true.
    /// </summary>
    public static InputRejectedException? ClearRefusal(bool signedIn, bool admin, bool allowClearWithoutSignIn) =>
        signedIn
            ? admin ? null : new InputRejectedException("not_admin", "Only admins can clear the history; ask one to run /clear.")
            : allowClearWithoutSignIn
                ? null
                : new InputRejectedException(
                    "clear_refused",
                    "/clear is off on this server: without sign-in anyone could delete everyone's history. An operator can allow it with Chat:AllowClearWithoutSignIn.");

    /// <summary>
    /// Returns the command <paramref name="text"/> asks for, or null when it is a message, in which
    /// case <paramref name="message"/> is the text to store (<c>//x</c> becomes <c>/x</c>).
    /// </summary>
    public static ChatCommand? Parse(string text, out string message)
    {
        message = text;
        if (!text.StartsWith('/'))
        {
            return null;
        }

        if (text.StartsWith("//", StringComparison.Ordinal))
        {
            message = text[1..];
            return null;
        }

        var end = text.AsSpan(1).IndexOfAny(' ', '\t', '\n');
        var name = end < 0 ? text[1..] : text.Substring(1, end);
        return name.ToLowerInvariant() switch
        {
            "help" => ChatCommand.Help,
            "who" => ChatCommand.Who,
            "clear" => ChatCommand.Clear,
            _ => throw new InputRejectedException(
                "unknown_command",
                $"Unknown command '/{Shorten(name)}'. /help lists the commands; " +
                "to send text that starts with /, begin it with //."),
        };
    }

    private static string Shorten(string name) => name.Length <= 20 ? name : string.Concat(name.AsSpan(0, 20), "…");
}
