using Chat.Server.History;
using Chat.Server.History.Sqlite;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Browser;

/// <summary>A history written straight into a SQLite file before the server starts: messages at chosen times, or more than the send budget allows.</summary>
internal static class SeededHistory
{
    /// <summary>A new database file holding <paramref name="messages"/> in <c>general</c>, each committed at its own time.</summary>
    public static Task<string> CreateAsync(params (string User, string Text, DateTime SentAt)[] messages) =>
        CreateInAsync([.. messages.Select(m => ("general", m.User, m.Text, m.SentAt))]);

    /// <summary>
    /// A new database file where each of <paramref name="members"/> has joined its room, then holding
    /// <paramref name="messages"/>, each in its conversation (a store key: a room, or <c>Conversation.Direct(a, b)</c>) at its own time.
    /// </summary>
    public static async Task<string> CreateInAsync(IEnumerable<(string Room, string User, string Text, DateTime SentAt)> messages, params (string User, string Room)[] members)
    {
        var database = ChatApplication.NewDatabasePath();
        using var store = new SqliteStore($"Data Source={database}", new Retention(1000));
        await store.InitializeAsync(default);
        foreach (var (user, room) in members)
        {
            await store.JoinAsync(user, room, new JoinLimits(100, 10_000, 10_000, DateTime.UtcNow), default);
        }

        foreach (var (room, user, text, sentAt) in messages)
        {
            await store.AppendAsync([new NewMessage(room, user, text)], sentAt, default);
        }

        return database;
    }

    /// <summary><paramref name="count"/> messages by <paramref name="user"/>, sent now: enough to scroll.</summary>
    public static Task<string> ManyAsync(int count, string user = "carol") =>
        CreateAsync([.. Enumerable.Range(1, count).Select(i => (user, $"earlier message {i}", DateTime.UtcNow))]);
}
