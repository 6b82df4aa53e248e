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

    public async Task DisposeAsync()
    {
        // Bounded: a sequencer stuck in a loop must fail its test, not hang the run.
        using var stop = new CancellationTokenSource(TaskTimeouts.Default);
        await _sequencer.StoppedAsync(stop.Token);
    }

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

    [Fact]
    public async Task Positions_left_behind_by_changed_messages_are_not_waited_for()
    {
        // Arrange: 1, 2 and 3 are stored; 1 is changed twice (positions 4 and 5: it is at 5 now, and positions 1 and 4 hold
        // nothing any more), then 6 is stored. Only 3 arrives: the store's page after 0 up to it is full, yet 1 is missing.
        var stored = await AppendAsync(3);
        foreach (var emoji in new[] { "👍", "🎉" })
        {
            await _store.CommitAsync([], [new MessageChange(ChangeKind.AddReaction, "general", stored[0].Id, "bob", Emoji: emoji)], DateTime.UtcNow, default);
        }

        var later = await AppendAsync(1);

        // Act
        _sequencer.Offer([stored[2]]);

        // Assert: everything the store has is released once, in position order (the changed message at its last position).
        (await ReceiveAsync(4)).Should().Equal([stored[1].Id, stored[2].Id, stored[0].Id, later[0].Id]);
        var next = await AppendAsync(1);
        _sequencer.Offer([later[0], next[0]]);
        (await ReceiveAsync(1)).Should().Equal([next[0].Id], "what was released already is not released again");
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
