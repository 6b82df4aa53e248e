using System.Diagnostics;
using System.Globalization;
using System.Text;
using Chat.Bench.HistoryScale;
using Chat.Server.History;
using Chat.Server.Rooms;

namespace Chat.Bench.Search;

/// <summary>
/// A history for search, seeded through the store classes directly: <see cref="HistorySeed"/>'s 100 rooms and 100 direct
/// conversations of its reader, messages round-robin over them, each of 6 to 14 words drawn from a vocabulary of
/// <see cref="Vocabulary"/> made-up words with a Zipf-like spread (a few very common, most rare; one in seven accented).
/// Message <c>n</c>'s text depends on <c>n</c> alone, so queries can be drawn from what is stored without reading it.
/// </summary>
internal static class SearchSeed
{
    public const int Vocabulary = 20_000;

    private const int BatchSize = 500;

    private static readonly string[] Syllables =
    [
        "ka", "lo", "mi", "ne", "ru", "sa", "te", "vo", "zi", "ba", "de", "fu", "ga", "hi", "jo", "ku", "le", "ma", "no", "pi",
        "ra", "se", "to", "vu", "wa", "xe", "yo", "ze", "bri", "cla", "dro", "fle", "gra", "plo", "stu", "tra", "ver", "mon", "tal", "ren",
    ];

    private static readonly string[] Words = [.. Enumerable.Range(0, Vocabulary).Select(Word)];

    /// <summary>The conversations searched: every one of the reader's (the seed has no message in general).</summary>
    public static string[] Conversations =>
    [
        Conversation.General,
        .. Enumerable.Range(0, HistorySeed.Rooms).Select(HistorySeed.Room),
        .. Enumerable.Range(0, HistorySeed.Rooms).Select(i => Conversation.Direct(HistorySeed.Reader, HistorySeed.Peer(i))),
    ];

    /// <summary>Message <paramref name="n"/>'s text.</summary>
    public static string Text(int n)
    {
        var random = new Random(n);
        var count = random.Next(6, 15);
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            // Log-uniform ranks: word r is about 1/r as frequent as the first.
            var rank = (int)Math.Pow(Vocabulary, random.NextDouble()) - 1;
            text.Append(i == 0 ? "" : " ").Append(Words[rank]);
        }

        return text.ToString();
    }

    /// <summary>Appends <paramref name="messages"/> messages (schema created first); returns how long it took.</summary>
    public static async Task<TimeSpan> SeedAsync(IHistoryStore store, int messages, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await store.InitializeAsync(cancellationToken);
        var batch = new List<NewMessage>(BatchSize);
        var sentAt = DateTime.UtcNow;
        for (var n = 0; n < messages; n++)
        {
            var conversation = n % (2 * HistorySeed.Rooms);
            batch.Add(conversation < HistorySeed.Rooms
                ? new NewMessage(HistorySeed.Room(conversation), HistorySeed.Writer, Text(n))
                : new NewMessage(Conversation.Direct(HistorySeed.Reader, HistorySeed.Peer(conversation - HistorySeed.Rooms)), HistorySeed.Peer(conversation - HistorySeed.Rooms), Text(n)));
            if (batch.Count == BatchSize || n == messages - 1)
            {
                await store.AppendAsync(batch, sentAt, cancellationToken);
                batch.Clear();
            }
        }

        // What the server's writer does behind its commits, in big batches here (SQLite; PostgreSQL indexes in the commit).
        while (await store.IndexSearchAsync(100_000, cancellationToken) > 0)
        {
        }

        return clock.Elapsed;
    }

    /// <summary>Made-up word <paramref name="index"/>: two to four syllables; every seventh has an accented e (é), as in café.</summary>
    private static string Word(int index)
    {
        var word = new StringBuilder();
        var rest = index;
        do
        {
            word.Append(Syllables[rest % Syllables.Length]);
            rest /= Syllables.Length;
        }
        while (rest > 0 || word.Length < 4);

        var text = word.ToString();
        return index % 7 == 3 && text.Contains('e', StringComparison.Ordinal) ? text.Replace("e", "é", StringComparison.Ordinal) : text;
    }

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
