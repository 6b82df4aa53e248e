using Chat.Server.History;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.History;

public sealed class SqliteHistoryStoreTests : HistoryStoreContract, IDisposable
{
    private readonly string _path = ChatApplication.NewDatabasePath();
    private readonly List<SqliteHistoryStore> _opened = [];

    protected override Task<IHistoryStore> OpenAsync(int maxMessages = 10_000) => ReopenAsync(maxMessages);

    protected override async Task<IHistoryStore> ReopenAsync(int maxMessages = 10_000)
    {
        var store = new SqliteHistoryStore($"Data Source={_path}", maxMessages);
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

    public void Dispose()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }

        ChatApplication.DeleteDatabase(_path);
    }
}
