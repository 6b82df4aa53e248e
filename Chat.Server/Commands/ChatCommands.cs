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
    public const string HelpText =
        "Commands: /help shows this list; /who lists who is online; /clear deletes all history. " +
        "To send text that starts with /, begin it with // (\"//shrug\" sends \"/shrug\").";

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
                $"Unknown command '/{Shorten(name)}'. The commands are /help, /who and /clear; " +
                "to send text that starts with /, begin it with //."),
        };
    }

    private static string Shorten(string name) => name.Length <= 20 ? name : string.Concat(name.AsSpan(0, 20), "…");
}
