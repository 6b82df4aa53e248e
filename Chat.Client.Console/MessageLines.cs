using System.Globalization;
using System.Text;
using Spectre.Console.Rendering;

namespace Chat.Client.Console;

/// <summary>
/// How a message and the changes to it read on the console: <c>[HH:mm] user: text</c>, with <c>#room</c> or <c>@peer</c>
/// before the user for a conversation other than the current one, what a reply answers, and one line per change
/// (<c>* alice edited: TEXT</c>, <c>* alice deleted a message</c>, <c>* bob reacted 👍 to alice: "hello…"</c>). The further lines
/// of a multi-line text are indented under the author, so that no line of a message can pass for another message; names are
/// coloured by <see cref="NameColours"/>. A search hit reads the same, its matched words marked (<see cref="Found"/>).
/// </summary>
internal static class MessageLines
{
    /// <summary>How many characters (text elements) of a message a quote shows before it is cut with an ellipsis.</summary>
    public const int QuoteLength = 24;

    // No conversation is current for a search's hits: each names its own, general too.
    private const string NoConversation = "";

    /// <summary>
    /// <c>[HH:mm] user: text</c> in the local time of <paramref name="clock"/>, for a message of the <paramref name="current"/>
    /// conversation; <c>[HH:mm] #room user: text</c> or <c>[HH:mm] @peer user: text</c> for another. A reply starts with
    /// <c>↪ author: "quote"</c> of the message it answers (found with <paramref name="find"/>); an edited text ends with
    /// <c>(edited)</c>, reactions follow as <c>[👍 2, 🎉 1]</c>, and a deleted message reads <c>(message deleted)</c>. A bot's name is
    /// followed by <c>[bot]</c>.
    /// </summary>
    /// <remarks>Its files follow the text as <c>[file: NAME (SIZE) URL]</c>, at <paramref name="server"/> (a path without it).</remarks>
    public static string Message(
        ChatMessage message, TimeProvider clock, string current = Conversations.General, Func<long, ChatMessage?>? find = null, NameColours? names = null,
        Uri? server = null) =>
        Line(message, clock, current, find, names ?? NameColours.None, highlights: [], server);

    /// <summary>
    /// A search hit as its <see cref="Message"/> line, always naming its conversation (<c>[HH:mm] #room user: text</c>), with the
    /// matched words marked (<see cref="Mark"/>).
    /// </summary>
    public static string Found(SearchHit hit, TimeProvider clock, Func<long, ChatMessage?>? find = null, NameColours? names = null, Uri? server = null) =>
        Line(hit.Message, clock, current: NoConversation, find, names ?? NameColours.None, hit.Highlights, server);

    /// <summary>The line before the hits of a search for <paramref name="query"/>.</summary>
    public static string Matches(string query, int count) => count switch
    {
        0 => $"* No message matches \"{Printable(query)}\".",
        1 => $"* 1 message matches \"{Printable(query)}\":",
        _ => $"* {count} messages match \"{Printable(query)}\":",
    };

    /// <summary>
    /// A matched word (already printable): in inverse video at a terminal with colours on, as <c>less</c> marks what it
    /// found; otherwise between asterisks, <c>*deploy*</c>, the plain-text emphasis of mail and chat, which stays readable
    /// in a pipe, a file or a log in any encoding and costs a column on each side.
    /// </summary>
    /// <remarks>Plain SGR 7 and 27 (inverse on, off), not a Spectre <c>Text</c>: rendering one would wrap a long word at the console's width.</remarks>
    public static string Mark(string word, NameColours names) => names.On ? $"\u001b[7m{word}\u001b[27m" : $"*{word}*";

    private static string Line(
        ChatMessage message, TimeProvider clock, string current, Func<long, ChatMessage?>? find, NameColours names, int[][] highlights, Uri? server)
    {
        var utc = message.SentAt.Kind == DateTimeKind.Local ? message.SentAt.ToUniversalTime() : DateTime.SpecifyKind(message.SentAt, DateTimeKind.Utc);
        var local = TimeZoneInfo.ConvertTimeFromUtc(utc, clock.LocalTimeZone);
        var head = string.Create(CultureInfo.InvariantCulture, $"[{local:HH:mm}] {Where(message, current)}");
        var body = message.Deleted
            ? "(message deleted)"
            : Answers(message, find, names) + Marked(message.Text, new Segment(head).CellCount(), highlights, names) +
              (message.EditedAt is null ? "" : " (edited)") + Files(message, server) + Reactions(message);
        return $"{head}{names.Paint(Printable(message.User))}{(message.Bot ? " [bot]" : "")}: {body}";
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
    /// <summary>
    /// <see cref="Continued"/> with the ranges <paramref name="highlights"/> (<c>[start, length]</c> in UTF-16 code units of
    /// <paramref name="text"/>) marked, each line of a range on its own so that the indentation stays unmarked.
    /// </summary>
    private static string Marked(string text, int indent, int[][] highlights, NameColours names)
    {
        var result = new StringBuilder();
        var at = 0;
        foreach (var (start, end) in Ranges(text, highlights))
        {
            result.Append(Continued(text[at..start], indent));
            var lines = text[start..end].ReplaceLineEndings("\n").Split('\n').Select(line => line.Length == 0 ? "" : Mark(Printable(line), names));
            result.AppendJoin("\n" + new string(' ', indent), lines);
            at = end;
        }

        return result.Append(Continued(text[at..], indent)).ToString();
    }

    /// <summary>
    /// The highlights as ranges inside <paramref name="text"/>, in order, overlaps merged; an end or start that would split a
    /// character (a surrogate pair) or a <c>\r\n</c> is moved to take it whole, since a server's offsets are not checked here.
    /// </summary>
    private static IEnumerable<(int Start, int End)> Ranges(string text, int[][] highlights)
    {
        var ranges = highlights
            .Where(h => h is [_, > 0])
            .Select(h => (Start: Whole(text, Math.Clamp(h[0], 0, text.Length), back: true), End: Whole(text, Math.Clamp((long)h[0] + h[1], 0, text.Length), back: false)))
            .Where(r => r.Start < r.End)
            .OrderBy(r => r.Start);
        (int Start, int End)? open = null;
        foreach (var range in ranges)
        {
            if (open is { } last && range.Start <= last.End)
            {
                open = (last.Start, Math.Max(last.End, range.End));
                continue;
            }

            if (open is { } done)
            {
                yield return done;
            }

            open = range;
        }

        if (open is { } final)
        {
            yield return final;
        }
    }

    /// <summary><paramref name="index"/>, or the next (<paramref name="back"/>: the previous) index that does not fall inside a surrogate pair or a <c>\r\n</c>.</summary>
    private static int Whole(string text, long index, bool back)
    {
        var i = (int)index;
        if (i > 0 && i < text.Length && (char.IsSurrogatePair(text[i - 1], text[i]) || (text[i - 1] == '\r' && text[i] == '\n')))
        {
            return back ? i - 1 : i + 1;
        }

        return i;
    }

    private static string Continued(string text, int indent) =>
        Printable(text.ReplaceLineEndings("\n")).Replace("\n", "\n" + new string(' ', indent), StringComparison.Ordinal);

    /// <summary>Each file as <c> [file: NAME (SIZE) URL]</c>; the address needs the reader's sign-in (or <c>?user=</c>) to open.</summary>
    private static string Files(ChatMessage message, Uri? server) =>
        string.Concat((message.Files ?? []).Select(file =>
        {
            var path = $"files/{Uri.EscapeDataString(file.Id)}/{Uri.EscapeDataString(file.Name)}";
            var address = server is null ? "/" + path : new Uri(server, path).AbsoluteUri;
            return $" [file: {Printable(file.Name.ReplaceLineEndings(" "))} ({Size(file.Size)}) {address}]";
        }));

    /// <summary>A size as people read it: 12 bytes, 830 KB, 2.4 MB.</summary>
    public static string Size(long bytes)
    {
        if (bytes < 1000)
        {
            return bytes == 1 ? "1 byte" : $"{bytes} bytes";
        }

        string[] units = ["KB", "MB", "GB", "TB"];
        var value = bytes / 1000.0;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return $"{value.ToString(value < 10 ? "0.0" : "0", CultureInfo.InvariantCulture)} {units[unit]}";
    }

    private static string Reactions(ChatMessage message) =>
        message.Reactions is { Length: > 0 } reactions
            ? " [" + string.Join(", ", reactions.Select(r => $"{Printable(r.Emoji)} {r.Users.Length}")) + "]"
            : "";

    /// <summary>Text as shown: as given, except control characters that would let a sender move the cursor or recolour the screen.</summary>
    public static string Printable(string text) =>
        text.Any(c => char.IsControl(c) && c is not '\n' and not '\t')
            ? string.Concat(text.Select(c => char.IsControl(c) && c is not '\n' and not '\t' ? '\uFFFD' : c))
            : text;
}
