using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Messages;

/// <summary>
/// The randomized check of SPEC section 12's catch-up: users post, reply, edit, delete and react across rooms and direct
/// conversations while an observer (the .NET client, default automatic reconnect, through a proxy the test cuts) drops and
/// comes back at random points. After each round the observer's view must equal the server's current state, with no
/// message shown twice, no change shown twice or backwards, and none missed. The seed is in every failure's message.
/// </summary>
internal sealed class CatchUpFuzz(int seed, Uri observed, TestClient reader, IReadOnlyList<(string Name, TestClient Client)> actors)
{
    /// <summary>The observer's conversations, as it names them, and who of the actors can write in each.</summary>
    public static readonly (string Room, string[] Writers)[] Conversations =
    [
        ("general", ["bob", "carol", "dave"]),
        ("dev", ["bob", "carol"]),
        ("ops", ["bob"]),
        ("@bob", ["bob"]),
        ("@carol", ["carol"]),
    ];

    private readonly Random _random = new(seed);
    private readonly Dictionary<long, ChatMessage> _view = [];
    private readonly List<string> _violations = [];
    private readonly List<string> _events = [];
    private readonly Dictionary<(string User, string Room), List<long>> _own = [];
    private readonly Dictionary<string, List<long>> _known = [];

    /// <summary>Runs <paramref name="rounds"/> rounds of <paramref name="operations"/> changes each, cutting the observer now and then.</summary>
    public async Task RunAsync(TcpProxy proxy, int rounds, int operations)
    {
        await using var observer = ChatClient.Create(new ChatClientOptions { Server = observed, User = "alice" });
        observer.MessageReceived += message => Seen(message, isNew: true);
        observer.MessageUpdated += message => Seen(message, isNew: false);
        observer.CatchUpFailed += error =>
        {
            lock (_view)
            {
                _violations.Add($"a catch-up failed while connected: {error.Message}");
            }
        };
        await observer.StartAsync().DefaultTimeout();

        for (var round = 0; round < rounds; round++)
        {
            var cuts = Enumerable.Range(0, 2).Select(_ => _random.Next(operations)).ToHashSet();
            for (var operation = 0; operation < operations; operation++)
            {
                if (cuts.Contains(operation))
                {
                    lock (_view)
                    {
                        _events.Add("cut");
                    }

                    proxy.CutAll();
                }

                await OperateAsync();
            }

            var state = await ServerStateAsync();
            var last = state.Max(message => message.Position());
            await Eventually.Until(() => observer.LastSeenId >= last && observer.State == Microsoft.AspNetCore.SignalR.Client.HubConnectionState.Connected, $"the observer catches up to {last} (seed {seed}, round {round})");
            lock (_view)
            {
                _violations.Should().BeEmpty($"seed {seed}, round {round}");
                var missing = state.Where(message => !_view.ContainsKey(message.Id)).Select(message => $"{message.Id} ({message.Room}, version {message.Version})");
                var extra = _view.Keys.Except(state.Select(message => message.Id));
                _view.Keys.Order().Should().Equal(state.Select(message => message.Id), $"the observer shows the server's messages (seed {seed}, round {round}; missing: {string.Join(", ", missing)}; not on the server: {string.Join(", ", extra)}; seen: {string.Join(" | ", _events)})");
                _view.Values.OrderBy(message => message.Id).Should().BeEquivalentTo(state, options => options.WithStrictOrdering(), $"the observer's view equals the server's (seed {seed}, round {round})");
            }
        }
    }

    private void Seen(ChatMessage message, bool isNew)
    {
        lock (_view)
        {
            _events.Add($"{(isNew ? "new" : "upd")} {message.Id}@{message.Position()} {message.Room}");
            if (_view.TryGetValue(message.Id, out var shown))
            {
                if (isNew)
                {
                    _violations.Add($"message {message.Id} was received twice");
                }
                else if (message.Position() <= shown.Position())
                {
                    _violations.Add($"message {message.Id} went from version {shown.Position()} to {message.Position()}");
                }
            }

            _view[message.Id] = message;
        }
    }

    /// <summary>One random post, reply, edit, delete or reaction by a random actor in a conversation they can write in.</summary>
    private async Task OperateAsync()
    {
        var (room, writers) = Conversations[_random.Next(Conversations.Length)];
        var user = writers[_random.Next(writers.Length)];
        var client = actors.Single(actor => actor.Name == user).Client;
        var theirs = Viewed(room, user);
        var own = _own.TryGetValue((user, room), out var mine) ? mine : _own[(user, room)] = [];
        var known = _known.TryGetValue(room, out var ids) ? ids : _known[room] = [];
        try
        {
            switch (_random.Next(6))
            {
                case 0 or 1 when own.Count > 0 || known.Count == 0:
                    var replyTo = known.Count > 0 && _random.Next(3) == 0 ? known[_random.Next(known.Count)] : (long?)null;
                    var text = _random.Next(4) == 0 ? $"@alice look {Guid.NewGuid():N}" : $"said {Guid.NewGuid():N}";
                    var sent = (await client.PostAsync(theirs, text, replyTo))!;
                    own.Add(sent.Id);
                    known.Add(sent.Id);
                    break;
                case 2 when own.Count > 0:
                    await client.EditAsync(theirs, own[_random.Next(own.Count)], $"edited {Guid.NewGuid():N}");
                    break;
                case 3 when own.Count > 0:
                    var gone = own[_random.Next(own.Count)];
                    await client.DeleteAsync(theirs, gone);
                    own.Remove(gone);
                    known.Remove(gone);
                    break;
                case 4 or 5 when known.Count > 0:
                    var target = known[_random.Next(known.Count)];
                    var emoji = new[] { "👍", "🎉", "👀" }[_random.Next(3)];
                    await (_random.Next(3) == 0 ? client.UnreactAsync(theirs, target, emoji) : client.ReactAsync(theirs, target, emoji));
                    break;
                default:
                    var post = (await client.PostAsync(theirs, $"plain {Guid.NewGuid():N}"))!;
                    own.Add(post.Id);
                    known.Add(post.Id);
                    break;
            }
        }
        catch (HubException refused) when (refused.Message.Contains("was deleted", StringComparison.Ordinal))
        {
            // Another actor deleted it meanwhile (a reply or reaction to it): refused, nothing stored.
        }
    }

    /// <summary>Every message of the observer's conversations as the server has it now (read by another connection of alice's).</summary>
    private async Task<List<ChatMessage>> ServerStateAsync()
    {
        var state = new List<ChatMessage>();
        foreach (var (room, _) in Conversations)
        {
            long? after = 0;
            while (await reader.RoomHistoryAsync(room, after, 100) is { Length: > 0 } page)
            {
                state.AddRange(page);
                after = page[^1].Id;
            }
        }

        return [.. state.OrderBy(message => message.Id)];
    }

    /// <summary>A conversation as <paramref name="user"/> names it (alice's @bob is bob's @alice).</summary>
    private static string Viewed(string room, string user) => room.StartsWith('@') ? "@alice" : room;

    /// <summary>Joins everyone to their rooms; the observer's user is in all of them.</summary>
    public static async Task PrepareAsync(TestClient alice, IReadOnlyList<(string Name, TestClient Client)> actors)
    {
        foreach (var (room, writers) in Conversations.Where(c => c.Room != "general" && !c.Room.StartsWith('@')))
        {
            await alice.JoinAsync(room);
            foreach (var writer in writers)
            {
                await actors.Single(actor => actor.Name == writer).Client.JoinAsync(room);
            }
        }

        // A direct conversation the observer is not in: nothing of it may reach the observer.
        await actors.Single(actor => actor.Name == "bob").Client.PostAsync("@carol", "between bob and carol");
    }
}
