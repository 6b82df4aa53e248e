using Chat.Server.History;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Browser;

/// <summary>A history written straight into a SQLite file before the server starts: messages at chosen times, or more than the send budget allows.</summary>
internal static class SeededHistory
{
    /// <summary>A new database file holding <paramref name="messages"/>, each committed at its own time.</summary>
    public static async Task<string> CreateAsync(params (string User, string Text, DateTime SentAt)[] messages)
    {
        var database = ChatApplication.NewDatabasePath();
        using var store = new SqliteHistoryStore($"Data Source={database}", 1000);
        await store.InitializeAsync(default);
        foreach (var (user, text, sentAt) in messages)
        {
            await store.AppendAsync([new NewMessage("general", user, text)], sentAt, default);
        }

        return database;
    }

    /// <summary><paramref name="count"/> messages by <paramref name="user"/>, sent now: enough to scroll.</summary>
    public static Task<string> ManyAsync(int count, string user = "carol") =>
        CreateAsync([.. Enumerable.Range(1, count).Select(i => (user, $"earlier message {i}", DateTime.UtcNow))]);
}
