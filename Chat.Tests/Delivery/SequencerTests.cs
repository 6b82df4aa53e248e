using Chat.Server.Delivery;
using Chat.Server.History;
using Chat.Server.Hubs;
using Chat.Server.Operations;
using Chat.Server.Presence;
using Chat.Server.Rooms;
using Chat.Server.Security;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Chat.Tests.Delivery;

/// <summary>
/// The sequencer on a real SQLite history and a real connection: messages that arrive ahead of earlier
/// ones (as from another node) wait for them, the missing ones are read from the store however many
/// there are, and ones that are gone from the store are not waited for.
/// </summary>
public sealed class SequencerTests : IAsyncLifetime, IDisposable
{
    private readonly string _path = ChatApplication.NewDatabasePath();
    private readonly PipeConnection _client = new();
    private readonly IHost _server;
    private readonly IHistoryStore _store;
    private readonly Sequencer _sequencer;

    public SequencerTests()
    {
        // The server's own services, not started: the test drives the store and the sequencer itself.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Chat"] = $"Data Source={_path}" });
        builder.AddChatHistory();
        builder.AddChatPresence();
        builder.AddChatRooms();
        builder.AddChatHub();
        builder.AddChatDelivery();
        builder.AddChatSecurity();
        builder.AddChatOperations();
        _server = builder.Build();
        _store = _server.Services.GetRequiredService<IHistoryStore>();
        _sequencer = _server.Services.GetRequiredService<Sequencer>();
    }

    public async Task InitializeAsync()
    {
        await _store.InitializeAsync(default);
        await _sequencer.StartAsync(default);
        await _server.Services.GetRequiredService<ChatLifetimeManager>().OnConnectedAsync(_client.Hub);
    }

    public async Task DisposeAsync() => await _sequencer.StoppedAsync(default);

    public void Dispose()
    {
        _server.Dispose();
        _client.Dispose();
        ChatApplication.DeleteDatabase(_path);
    }

    [Fact]
    public async Task A_message_that_arrives_ahead_of_more_than_a_page_of_earlier_ones_waits_until_all_are_read_from_the_store()
    {
        // Arrange: 1,201 committed elsewhere; only the last one arrives.
        var stored = await AppendAsync(1201);

        // Act
        _sequencer.Offer([stored[^1]]);

        // Assert
        (await ReceiveAsync(1201)).Should().Equal(stored.Select(m => m.Id), "every message reaches the client once, in id order");
    }

    [Fact]
    public async Task Messages_that_are_no_longer_in_the_store_are_not_waited_for()
    {
        // Arrange: 1 to 5 are cleared away; 6, 7 and 8 are stored, and only 8 arrives.
        await AppendAsync(5);
        await _store.ClearAsync("general", default);
        var kept = await AppendAsync(3);

        // Act
        _sequencer.Offer([kept[^1]]);

        // Assert
        (await ReceiveAsync(3)).Should().Equal(kept.Select(m => m.Id));
    }

    private async Task<ChatMessage[]> AppendAsync(int count) =>
        [.. (await _store.AppendAsync([.. Enumerable.Range(0, count).Select(i => new NewMessage("general", "alice", $"m{i}"))], DateTime.UtcNow, default)).Select(a => a.Message)];

    private async Task<List<long>> ReceiveAsync(int count)
    {
        var ids = new List<long>();
        await Eventually.Until(() =>
        {
            ids.AddRange(_client.ReadIds());
            return ids.Count >= count;
        }, $"the client should receive {count} messages");
        return ids;
    }
}
