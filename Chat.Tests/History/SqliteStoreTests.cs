using Chat.Server.History;
using Chat.Server.History.Sqlite;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.History;

public sealed class SqliteStoreTests : HistoryStoreContract, IDisposable
{
    // Every chunking of the multi-row insert, then single appends that walk through trims one by one.
    private static readonly int[] BatchSizes = [1, 2, 3, 64, 65, 100, 127, 1, 7, .. Enumerable.Repeat(1, 30)];

    private readonly string _path = ChatApplication.NewDatabasePath();
    private readonly List<SqliteStore> _opened = [];

    protected override Task<IHistoryStore> OpenAsync(int maxMessages = 10_000) => ReopenAsync(maxMessages);

    protected override async Task<IHistoryStore> ReopenAsync(int maxMessages = 10_000)
    {
        var store = new SqliteStore($"Data Source={_path}", new Retention(maxMessages));
        _opened.Add(store);
        await store.InitializeAsync(default);
        return store;
    }

    [Fact]
    public async Task The_file_is_in_WAL_mode()
    {
        await OpenAsync();

        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        ((string?)await command.ExecuteScalarAsync()).Should().Be("wal");
    }

    [Fact]
    public async Task Large_batches_get_every_id_in_order_and_retention_trims_in_small_steps()
    {
        // 160 kept: trimmed whenever 10 (1/16) have expired, so 160 to 169 rows stay.
        var store = await OpenAsync(maxMessages: 160);
        var stored = new List<ChatMessage>();
        foreach (var size in BatchSizes)
        {
            stored.AddRange(await AppendAsync(store, Messages([.. Enumerable.Range(stored.Count, size).Select(i => $"m{i}")])));

            var kept = await store.GetAsync("general", null, 500, default);
            kept.Length.Should().BeInRange(Math.Min(stored.Count, 160), 169);
            kept.Should().Equal(stored.TakeLast(kept.Length), "the store keeps the newest messages, as appended");
        }

        stored.Select(m => m.Text).Should().Equal(Enumerable.Range(0, stored.Count).Select(i => $"m{i}"));
        stored.Select(m => m.Id).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }

    public void Dispose()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }

        ChatApplication.DeleteDatabase(_path);
    }
}
