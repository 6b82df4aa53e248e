using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Chat.Server.Configuration;
using Chat.Server.History;
using Chat.Server.History.Postgres;
using Chat.Server.History.Sqlite;
using Chat.Server.Rooms;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Chat.Tests.History;

/// <summary>The store contract against a real PostgreSQL, plus what only a shared database can get wrong.</summary>
public sealed class PostgresStoreTests : HistoryStoreContract, IAsyncLifetime
{
    private readonly List<PostgresStore> _opened = [];
    private string? _database;

    protected override async Task<IHistoryStore> OpenAsync(int maxMessages = 10_000)
    {
        _database = await NewDatabaseAsync();
        return await ReopenAsync(maxMessages);
    }

    protected override Task<IHistoryStore> ReopenAsync(int maxMessages = 10_000) =>
        StartAsync(_database ?? throw new InvalidOperationException("Open a store first."), maxMessages);

    [SkippableFact]
    public async Task Two_servers_writing_at_once_get_ids_in_commit_order_so_a_catching_up_reader_misses_none()
    {
        // Arrange: two servers' stores and a client's reader on one database
        const int Batches = 50;
        const int PerBatch = 10;
        var database = await NewDatabaseAsync();
        IHistoryStore[] writers = [await StartAsync(database), await StartAsync(database)];
        var reader = await StartAsync(database);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var lastAcked = new ConcurrentDictionary<int, Appended>();
        var resends = new ConcurrentQueue<(ChatMessage Expected, Appended Got)>();

        // Act: both write batch after batch, in two conversations, each batch resending a message the other
        // server acked (as after a reconnect to another server), while the reader catches up again and again
        var writing = Task.WhenAll(writers.Select((store, w) => Task.Run(async () =>
        {
            var acked = new List<ChatMessage>();
            for (var b = 0; b < Batches; b++)
            {
                var batch = Enumerable.Range(0, PerBatch).Select(i => new NewMessage(i % 2 == 0 ? "general" : "dev", "alice", $"{w}.{b}.{i}", $"{w}.{b}.{i}")).ToList();
                var resent = lastAcked.TryGetValue(1 - w, out var other) ? other.Message : null;
                if (resent is not null)
                {
                    batch.Insert(PerBatch / 2, new NewMessage(resent.Room, resent.User, resent.Text, resent.Text));
                }

                var appended = await store.AppendAsync(batch, Now, deadline.Token);
                acked.AddRange(appended.Where(a => a.IsNew).Select(a => a.Message));
                if (resent is not null)
                {
                    resends.Enqueue((resent, appended[PerBatch / 2]));
                }

                lastAcked[w] = appended[0];
            }

            return acked;
        })));
        var reading = Task.Run(async () =>
        {
            var seen = new List<ChatMessage>();
            var writersDone = false;
            while (!writersDone)
            {
                // One more pass after the writers finish picks up their last commits.
                writersDone = writing.IsCompleted;
                while (await reader.GetAllAsync(seen.Count == 0 ? 0 : seen[^1].Id, 500, deadline.Token) is { Length: > 0 } page)
                {
                    seen.AddRange(page);
                }
            }

            return seen;
        });
        var acked = (await writing.WaitAsync(deadline.Token)).SelectMany(messages => messages).OrderBy(m => m.Id).ToList();
        var seen = await reading.WaitAsync(deadline.Token);

        // Assert
        const int Total = 2 * Batches * PerBatch;
        acked.Select(m => m.Id).Should().Equal(Enumerable.Range(1, Total).Select(id => (long)id), "ids are contiguous and unique across servers");
        seen.Select(m => m.Id).Should().Equal(acked.Select(m => m.Id), "a reader that asks only for ids after the last one it saw still gets every message, once");
        seen.Should().Equal(acked);
        resends.Should().NotBeEmpty().And.AllSatisfy(resend => resend.Got.Should().Be(new Appended(resend.Expected, IsNew: false)));
    }

    [SkippableFact]
    public async Task Two_servers_sending_marking_and_clearing_at_once_keep_every_unread_count_exact()
    {
        // Arrange: alice and bob in dev, talking directly, with markers in general, on two servers' stores
        var database = await NewDatabaseAsync();
        IHistoryStore[] servers = [await StartAsync(database), await StartAsync(database)];
        string[] users = ["alice", "bob"];
        string[] conversations = ["general", "dev", Conversation.Direct("alice", "bob")];
        foreach (var user in users)
        {
            await servers[0].JoinAsync(user, "dev", new JoinLimits(10, 10, 10, Now), default);
        }

        await servers[0].AppendAsync([new NewMessage(conversations[2], "alice", "hi")], Now, default);
        await servers[0].MarkReadAsync([.. users.Select(user => new ReadMark(user, "general", 0))], default);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        // Act: both send batches by both users everywhere and move markers to around what they stored; one clears dev midway
        await Task.WhenAll(servers.Select((store, s) => Task.Run(async () =>
        {
            var random = new Random(s);
            for (var round = 0; round < 40; round++)
            {
                var batch = Enumerable.Range(0, 6).Select(i => new NewMessage(conversations[random.Next(3)], users[random.Next(2)], $"{s}.{round}.{i}")).ToList();
                var stored = await store.AppendAsync(batch, Now, deadline.Token);
                var seen = stored[random.Next(stored.Length)].Message.Id;
                await store.MarkReadAsync([.. users.Select(user => new ReadMark(user, conversations[random.Next(3)], seen - random.Next(4)))], deadline.Token);
                if (s == 1 && round == 20)
                {
                    await store.ClearAsync("dev", deadline.Token);
                }
            }
        }))).WaitAsync(deadline.Token);

        // Assert: every count is what counting the messages after the marker gives
        foreach (var user in users)
        {
            var markers = await servers[0].MarkReadAsync([.. conversations.Select(room => new ReadMark(user, room, 0))], default);
            var expected = new List<RoomSummary>();
            for (var i = 0; i < conversations.Length; i++)
            {
                var newest = (await servers[0].GetAsync(conversations[i], null, 1, default)).SingleOrDefault()?.Id;
                var unread = (await servers[0].GetAsync(conversations[i], markers[i], 10_000, default)).Count(m => m.User != user);
                var role = Conversation.IsDirect(conversations[i]) ? null : conversations[i] == "dev" && user == users[0] ? RoomRoles.Owner : RoomRoles.Member;
                expected.Add(new RoomSummary(conversations[i], newest, unread) { Role = role });
            }

            (await servers[1].SummariesAsync(user, default)).Should().BeEquivalentTo(expected, $"{user}'s counters follow the messages");
        }
    }

    [SkippableFact]
    public async Task Servers_starting_at_once_on_an_empty_database_all_create_the_schema()
    {
        var database = await NewDatabaseAsync();
        var stores = Enumerable.Range(0, 4).Select(_ => Track(new PostgresStore(database, new Retention(10_000)))).ToArray();

        await Task.WhenAll(stores.Select(store => Task.Run(() => store.InitializeAsync(default)))).DefaultTimeout();

        var stored = await AppendAsync(stores[^1], [new NewMessage("general", "alice", "first")]);
        stored.Single().Id.Should().Be(1);
    }

    [SkippableFact]
    public async Task Sent_times_come_back_in_UTC_to_the_millisecond()
    {
        var store = await OpenAsync();
        var sentAt = Now.AddMilliseconds(987);

        await store.AppendAsync([new NewMessage("general", "alice", "hi")], sentAt, default);
        var read = (await store.GetAsync("general", null, 1, default)).Single();

        read.SentAt.Should().Be(sentAt);
        read.SentAt.Kind.Should().Be(DateTimeKind.Utc);
    }

    [SkippableFact]
    public async Task Characters_PostgreSQL_cannot_hold_are_replaced_instead_of_failing_the_batch()
    {
        var store = await OpenAsync();

        var stored = await AppendAsync(store, [new NewMessage("general", "alice", "a\0b"), new NewMessage("general", "bob", "x\uD800"), new NewMessage("general", "carol", "fine 👋")]);

        stored.Select(m => m.Text).Should().Equal("a\uFFFDb", "x\uFFFD", "fine 👋");
        (await store.GetAsync("general", null, 10, default)).Should().Equal(stored);
    }

    [SkippableFact]
    public async Task A_connection_lost_right_after_COMMIT_is_an_unknown_outcome_and_the_batch_may_well_be_stored()
    {
        var database = await NewDatabaseAsync();
        await using var proxy = new TcpProxy(new NpgsqlConnectionStringBuilder(database).Port);
        var store = await StartAsync(new NpgsqlConnectionStringBuilder(database) { Port = proxy.Port }.ConnectionString);
        await store.AppendAsync([new NewMessage("general", "alice", "before")], Now, default);

        // Act: the COMMIT reaches PostgreSQL, its answer never comes back.
        proxy.CutAfterSending = TcpProxy.Bytes("COMMIT\0"); // the query COMMIT, not READ COMMITTED
        var append = () => store.AppendAsync([new NewMessage("general", "alice", "was it saved?")], Now, default);

        // Assert
        await append.Should().ThrowAsync<CommitOutcomeUnknownException>();
        var direct = await StartAsync(database);
        (await direct.GetAsync("general", null, 10, default)).Select(m => m.Text).Should().Equal(["before", "was it saved?"], "PostgreSQL committed it");
    }

    [SkippableFact]
    public async Task Check_answers_while_the_database_is_up()
    {
        var store = await OpenAsync();

        await store.Invoking(s => s.CheckAsync(default)).Should().NotThrowAsync();
    }

    [Fact]
    public async Task Check_fails_within_seconds_when_nothing_listens()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await CheckFailsPromptlyAsync(port);
    }

    [Fact]
    public async Task Check_fails_within_seconds_when_the_server_accepts_but_never_answers()
    {
        // The kernel accepts connections into the backlog; nothing ever replies.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();

        await CheckFailsPromptlyAsync(((IPEndPoint)silent.LocalEndpoint).Port);
    }

    [Theory]
    [InlineData("Host=db.example;Database=chat;Username=chat", typeof(PostgresStore))]
    [InlineData("host=127.0.0.1;port=5433;database=chat", typeof(PostgresStore))]
    [InlineData("Data Source=chat.db", typeof(SqliteStore))]
    [InlineData("", typeof(SqliteStore))]
    public void The_server_uses_PostgreSQL_when_the_connection_string_has_a_Host(string connectionString, Type expected)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Chat"] = connectionString });
        builder.AddChatHistory();

        using var host = builder.Build();

        host.Services.GetRequiredService<IHistoryStore>().Should().BeOfType(expected);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    private static async Task<string> NewDatabaseAsync() => await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();

    private async Task<IHistoryStore> StartAsync(string connectionString, int maxMessages = 10_000)
    {
        var store = Track(new PostgresStore(connectionString, new Retention(maxMessages)));
        await store.InitializeAsync(default).DefaultTimeout();
        return store;
    }

    private PostgresStore Track(PostgresStore store)
    {
        _opened.Add(store);
        return store;
    }

    private async Task CheckFailsPromptlyAsync(int port)
    {
        var store = Track(new PostgresStore($"Host=127.0.0.1;Port={port};Username=postgres;Database=chat", new Retention(10_000)));
        var watch = Stopwatch.StartNew();

        await store.Invoking(s => s.CheckAsync(default).WaitAsync(TimeSpan.FromSeconds(20))).Should().ThrowAsync<NpgsqlException>();

        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "readiness must turn 503 within 5 s");
    }
}
