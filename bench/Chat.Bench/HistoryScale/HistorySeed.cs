using System.Diagnostics;
using System.Globalization;
using Chat.Server.History;
using Chat.Server.Rooms;

namespace Chat.Bench.HistoryScale;

/// <summary>
/// A history seeded through the store classes directly, before any server runs: <see cref="Rooms"/> rooms and as many
/// direct conversations, messages spread over them round-robin (so their ids interleave), and one user,
/// <see cref="Reader"/>, a member of all of them with every message unread (read marker 0).
/// </summary>
internal static class HistorySeed
{
    /// <summary>The user whose conversations are read.</summary>
    public const string Reader = "reader";

    /// <summary>Who writes in the rooms (the direct conversations' messages come from the reader's peers).</summary>
    public const string Writer = "writer";

    /// <summary>Rooms; the reader also has as many direct conversations.</summary>
    public const int Rooms = 100;

    /// <summary>Messages per append: one transaction, as the server's writer commits a batch.</summary>
    private const int BatchSize = 500;

    /// <summary>Room <paramref name="index"/>'s name: <c>r000</c> to <c>r099</c>.</summary>
    public static string Room(int index) => string.Create(CultureInfo.InvariantCulture, $"r{index:000}");

    /// <summary>The reader's peer in direct conversation <paramref name="index"/>.</summary>
    public static string Peer(int index) => string.Create(CultureInfo.InvariantCulture, $"p{index:000}");

    /// <summary>Limits that let the seed (and the measured joins) create every room they need.</summary>
    public static JoinLimits NoLimits => new(1_000_000, 1_000_000, 1_000_000, DateTime.UtcNow);

    /// <summary>Creates the schema and the conversations, then appends <paramref name="messages"/> messages; returns how long it took.</summary>
    public static async Task<TimeSpan> SeedAsync(ScratchHistory history, int messages, Retention retention, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var store = history.Open(retention);
        try
        {
            await store.InitializeAsync(cancellationToken);

            // Joined before any message, so the reader's marker in each room stays at 0: everything is unread.
            for (var room = 0; room < Rooms; room++)
            {
                var outcome = await store.JoinAsync(Reader, Room(room), NoLimits, cancellationToken);
                if (outcome != JoinOutcome.Joined)
                {
                    throw new InvalidOperationException($"Seeding: {Reader} could not join {Room(room)}: {outcome}.");
                }
            }

            // A direct conversation's first message makes both of its users members, with nothing read.
            var batch = new List<NewMessage>(BatchSize);
            var sentAt = DateTime.UtcNow;
            for (var n = 0; n < messages; n++)
            {
                var conversation = n % (2 * Rooms);
                var text = string.Create(CultureInfo.InvariantCulture, $"seed message {n} of the history-scale benchmark");
                batch.Add(conversation < Rooms
                    ? new NewMessage(Room(conversation), Writer, text)
                    : new NewMessage(Conversation.Direct(Reader, Peer(conversation - Rooms)), Peer(conversation - Rooms), text));
                if (batch.Count == BatchSize || n == messages - 1)
                {
                    await store.AppendAsync(batch, sentAt, cancellationToken);
                    batch.Clear();
                }
            }
        }
        finally
        {
            await ScratchHistory.CloseAsync(store);
        }

        return clock.Elapsed;
    }
}
