using System.Globalization;
using Spectre.Console.Rendering;

namespace Chat.Client.Console;

/// <summary>
/// How a message and the changes to it read on the console: <c>[HH:mm] user: text</c>, with <c>#room</c> or <c>@peer</c>
/// before the user for a conversation other than the current one, what a reply answers, and one line per change
/// (<c>* alice edited: TEXT</c>, <c>* alice deleted a message</c>, <c>* bob reacted 👍 to alice: "hello…"</c>). The further lines
/// of a multi-line text are indented under the author, so that no line of a message can pass for another message; names are
/// coloured by <see cref="NameColours"/>.
/// </summary>
internal static class MessageLines
{
    /// <summary>How many characters (text elements) of a message a quote shows before it is cut with an ellipsis.</summary>
    public const int QuoteLength = 24;

    /// <summary>
    /// <c>[HH:mm] user: text</c> in the local time of <paramref name="clock"/>, for a message of the <paramref name="current"/>
    /// conversation; <c>[HH:mm] #room user: text</c> or <c>[HH:mm] @peer user: text</c> for another. A reply starts with
    /// <c>↪ author: "quote"</c> of the message it answers (found with <paramref name="find"/>); an edited text ends with
    /// <c>(edited)</c>, reactions follow as <c>[👍 2, 🎉 1]</c>, and a deleted message reads <c>(message deleted)</c>.
    /// </summary>
    public static string Message(
        ChatMessage message, TimeProvider clock, string current = Conversations.General, Func<long, ChatMessage?>? find = null, NameColours? names = null)
    {
        names ??= NameColours.None;
        var utc = message.SentAt.Kind == DateTimeKind.Local ? message.SentAt.ToUniversalTime() : DateTime.SpecifyKind(message.SentAt, DateTimeKind.Utc);
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, clock.LocalTimeZone);
        var head = string.Create(CultureInfo.InvariantCulture, $"[{local:HH:mm}] {Where(message, current)}");
        var body = message.Deleted
            ? "(message deleted)"
            : Answers(message, find, names) + Continued(message.Text, new Segment(head).CellCount()) + (message.EditedAt is null ? "" : " (edited)") + Reactions(message);
        return $"{head}{names.Paint(Printable(message.User))}: {body}";
    }

    /// <summary>
    /// What changed from <paramref name="before"/> to <paramref name="after"/> (two states of one message), a line each: an
    /// edit, a delete, each reaction added. A reaction taken off says nothing.
    /// </summary>
    public static IEnumerable<string> Changes(ChatMessage before, ChatMessage after, string current, NameColours? names = null)
    {
        names ??= NameColours.None;
        var where = Where(after, current);
        if (after.Deleted)
        {
            if (!before.Deleted)
            {
                yield return $"* {where}{names.Paint(Printable(after.User))} deleted a message";
            }

            yield break;
        }

        if (after.Text != before.Text)
        {
            yield return $"* {where}{names.Paint(Printable(after.User))} edited: {Continued(after.Text, 2)}";
        }

        var had = (before.Reactions ?? []).SelectMany(r => r.Users.Select(user => (r.Emoji, User: user))).ToHashSet();
        foreach (var reaction in after.Reactions ?? [])
        {
            foreach (var user in reaction.Users.Where(user => !had.Contains((reaction.Emoji, user))))
            {
                yield return $"* {where}{names.Paint(Printable(user))} reacted {Printable(reaction.Emoji)} to {names.Paint(Printable(after.User))}: {Quote(after)}";
            }
        }
    }

    /// <summary>
    /// The start of a message's text on one line, in quotes; past <see cref="QuoteLength"/> characters it is cut (after a
    /// whole word when one ends in the second half) and an ellipsis follows.
    /// </summary>
    public static string Quote(ChatMessage message)
    {
        var text = Printable(string.Join(' ', message.Text.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        var elements = new StringInfo(text);
        if (elements.LengthInTextElements <= QuoteLength)
        {
            return $"\"{text}\"";
        }

        var start = elements.SubstringByTextElements(0, QuoteLength);
        var space = start.LastIndexOf(' ');
        if (space >= start.Length / 2 && !char.IsWhiteSpace(text[start.Length]))
        {
            start = start[..space];
        }

        return $"\"{start.TrimEnd().TrimEnd(',', ';', ':')}…\"";
    }

    /// <summary><c>#room </c> or <c>@peer </c> for a message of a conversation other than <paramref name="current"/>; nothing for the current one.</summary>
    private static string Where(ChatMessage message, string current)
    {
        var room = message.Room ?? Conversations.General; // a server from before rooms sends none
        return string.Equals(room, current, StringComparison.Ordinal) ? "" : Printable(Conversations.Display(room)) + " ";
    }

    /// <summary><c>↪ alice: "hello…" </c> for a reply; what it answers may be unknown here (older than what the console keeps) or deleted.</summary>
    private static string Answers(ChatMessage message, Func<long, ChatMessage?>? find, NameColours names) => message.ReplyTo switch
    {
        null => "",
        { } id => find?.Invoke(id) switch
        {
            null => "↪ (an earlier message) ",
            { Deleted: true } => "↪ (a deleted message) ",
            { } answered => $"↪ {names.Paint(Printable(answered.User))}: {Quote(answered)} ",
        },
    };

    /// <summary>
    /// A message's text with the lines after its first indented by <paramref name="indent"/> spaces (terminal columns: a
    /// wide character such as 開 takes two): only a message's first line
    /// starts at column 0. Every line break (<c>\r\n</c>, <c>\r</c>, U+2028…) counts as one.
    /// </summary>
    private static string Continued(string text, int indent) =>
        Printable(text.ReplaceLineEndings("\n")).Replace("\n", "\n" + new string(' ', indent), StringComparison.Ordinal);

    private static string Reactions(ChatMessage message) =>
        message.Reactions is { Length: > 0 } reactions
            ? " [" + string.Join(", ", reactions.Select(r => $"{Printable(r.Emoji)} {r.Users.Length}")) + "]"
            : "";

    // Text is shown as given, except control characters that would let a sender move the cursor or recolour the screen.
    private static string Printable(string text) =>
        text.Any(c => char.IsControl(c) && c is not '\n' and not '\t')
            ? string.Concat(text.Select(c => char.IsControl(c) && c is not '\n' and not '\t' ? '\uFFFD' : c))
            : text;
}
