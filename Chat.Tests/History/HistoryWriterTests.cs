using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Chat.Server.History;
using Chat.Server.History.Sqlite;
using Chat.Server.Operations;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Chat.Tests.History;

/// <summary>
/// The writer's pipeline on a real SQLite file, with a publisher the test can hold up: acks after the
/// commit, publishing in id order, and commits that stop while fan-out does not take what was committed.
/// </summary>
public sealed class HistoryWriterTests : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Plenty = TimeSpan.FromSeconds(10);

    private readonly string _path = ChatApplication.NewDatabasePath();
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly HeldPublisher _publisher = new();
    private SqliteStore _store = null!;
    private HistoryWriter _writer = null!;

    public async Task InitializeAsync()
    {
        _store = new SqliteStore($"Data Source={_path}", new Retention(10_000));
        var metrics = new ChatMetrics(_services.GetRequiredService<IMeterFactory>());
        _writer = new HistoryWriter(_store, _publisher, metrics, TimeProvider.System, NullLogger<HistoryWriter>.Instance);
        await _writer.StartingAsync(default);
        await _writer.StartAsync(default);
    }

    public async Task DisposeAsync()
    {
        _publisher.Release();
        await _writer.StopAsync(default);
        _writer.Dispose();
    }

    public void Dispose()
    {
        _store.Dispose();
        _services.Dispose();
        ChatApplication.DeleteDatabase(_path);
    }

    [Fact]
    public async Task Concurrent_sends_are_acked_once_stored_and_published_once_each_in_id_order()
    {
        _publisher.Release();

        var acks = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(() => _writer.AppendAsync(new NewMessage("general", "alice", $"m{i}")))));

        var stored = await _store.GetAsync("general", null, 500, default);
        stored.Select(m => m.Id).Should().BeEquivalentTo(acks.Select(a => a.Message.Id), "every ack is a stored message");
        await Eventually.Until(() => _publisher.Published.Count == 300, "the publisher should get every message");
        _publisher.Published.Select(m => m.Id).Should().Equal(stored.Select(m => m.Id), "published once each, in id order");
    }

    [Fact]
    public async Task What_is_committed_goes_into_the_search_index_behind_the_commits_a_slice_at_a_time_and_the_rest_when_idle()
    {
        _publisher.Release();

        // A whole slice and some: the slice while the writer is idle, the rest once it has waited a while.
        var count = HistoryWriter.SearchSlice + 5;
        await Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(() => _writer.AppendAsync(new NewMessage("general", "alice", $"word{i} common")))));

        await Eventually.UntilAsync(async () => await IndexedToAsync() == count, "every committed message should reach the index");
    }

    [Fact]
    public async Task When_fan_out_is_held_up_commits_stop_and_resume_in_order()
    {
        // Each send awaits its ack, so each is a batch of its own.
        var acked = 0;
        Task<Appended>? stuck = null;
        for (var i = 0; i < 20; i++)
        {
            var ack = _writer.AppendAsync(new NewMessage("general", "alice", $"m{i}"));
            if (await Task.WhenAny(ack, Task.Delay(TimeSpan.FromSeconds(1))) != ack)
            {
                stuck = ack;
                break;
            }

            acked++;
        }

        stuck.Should().NotBeNull("the writer stops committing while fan-out is held up");
        acked.Should().Be(1, "the first batch is acked, and the writer waits to hand it over before the next commit");

        _publisher.Release();

        (await stuck!.WaitAsync(Plenty)).Message.Text.Should().Be($"m{acked}");
        await Eventually.Until(() => _publisher.Published.Count == acked + 1, "the publisher should get every message");
        _publisher.Published.Select(m => m.Text).Should().Equal(Enumerable.Range(0, acked + 1).Select(i => $"m{i}"));
    }

    [Fact]
    public async Task Clear_reaches_the_clients_after_every_message_before_it()
    {
        _publisher.Release();
        await _writer.AppendAsync(new NewMessage("general", "alice", "before"));

        await _writer.ClearAsync("general");

        _publisher.Events.Should().Equal("message before", "cleared");
        (await _store.GetAsync("general", null, 10, default)).Should().BeEmpty();
    }

    /// <summary>Records what it is asked to publish; holds every call until <see cref="Release"/>.</summary>
    /// <summary>The last message id in the SQLite store's search index, read on a connection of the test's own.</summary>
    private async Task<long> IndexedToAsync()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT indexed_to FROM search_progress;";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed class HeldPublisher : IHistoryPublisher
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<ChatMessage> Published { get; } = new();

        public ConcurrentQueue<string> Events { get; } = new();

        public void Release() => _released.TrySetResult();

        public async Task PublishAsync(IReadOnlyList<ChatMessage> batch)
        {
            await _released.Task;
            foreach (var message in batch)
            {
                Published.Enqueue(message);
                Events.Enqueue($"message {message.Text}");
            }
        }

        public async Task PublishClearedAsync(string room)
        {
            await _released.Task;
            Events.Enqueue("cleared");
        }
    }
}
