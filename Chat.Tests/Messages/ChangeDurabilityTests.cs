using Chat.Testing;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Messages;

/// <summary>SIGKILL during a stream of edits, deletes and reactions: every acked change is there after the restart, once.</summary>
public class ChangeDurabilityTests
{
    private static readonly string[] Emoji = ["👍", "🎉", "👀", "🚀"];

    [Fact]
    public async Task Every_acked_edit_delete_and_reaction_survives_a_SIGKILL_once()
    {
        // Arrange: three users, each with twenty messages of their own in general
        await using var chat = await ChatProcess.StartAsync("--Chat:RateLimit:PerSecond", "0");
        string[] names = ["alice", "bob", "carol"];
        var clients = new List<TestClient>();
        var messages = new Dictionary<string, List<long>>();
        foreach (var name in names)
        {
            var client = await chat.ConnectAsync(name);
            clients.Add(client);
            messages[name] = [];
            for (var i = 0; i < 20; i++)
            {
                messages[name].Add((await client.PostAsync("general", $"{name} {i}"))!.Id);
            }
        }

        // Act: each user edits, deletes and reacts, one call at a time, until the server is killed
        var streams = names.Select((name, n) => StreamAsync(clients[n], name, messages[name], messages.Values.SelectMany(ids => ids).ToArray())).ToArray();
        await Eventually.Until(() => streams.All(stream => stream.Acked.Count >= 30), "each user had thirty changes acked");
        await chat.KillAsync();
        await Task.WhenAll(streams.Select(stream => stream.Done));
        await chat.RestartAsync();

        // Assert
        await using var reader = await chat.ConnectAsync("dave");
        var history = (await reader.AllHistoryAsync()).ToDictionary(message => message.Id);
        history.Values.Select(message => message.Version).Where(version => version is not null).Should().OnlyHaveUniqueItems("each change took a position of its own");
        foreach (var stream in streams)
        {
            foreach (var change in stream.Acked)
            {
                var now = history[change.Id];
                switch (change.Kind)
                {
                    case "delete":
                        now.Deleted.Should().BeTrue($"the acked delete of {change.Id} survived");
                        break;
                    case "edit" when !now.Deleted && stream.Acked.Last(other => other.Id == change.Id && other.Kind == "edit") == change:
                        now.Text.Should().BeOneOf([change.Value, .. stream.InFlight.Where(other => other.Id == change.Id).Select(other => other.Value)], $"the last acked edit of {change.Id} survived");
                        break;
                    case "react" when !now.Deleted:
                        now.Reactions!.Single(reaction => reaction.Emoji == change.Value).Users.Should().ContainSingle(user => user == stream.User, "the acked reaction is there once");
                        break;
                }
            }
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    private static Stream StreamAsync(TestClient client, string user, List<long> own, long[] everyone)
    {
        var stream = new Stream(user);
        stream.Done = Task.Run(async () =>
        {
            var random = new Random(user.GetHashCode(StringComparison.Ordinal));
            for (var n = 0; ; n++)
            {
                var id = random.Next(4) == 0 ? everyone[random.Next(everyone.Length)] : own[random.Next(own.Count)];
                var change = random.Next(10) switch
                {
                    0 when own.Contains(id) => new Change("delete", id, ""),
                    < 5 when own.Contains(id) => new Change("edit", id, $"{user} edit {n}"),
                    _ => new Change("react", id, Emoji[random.Next(Emoji.Length)]),
                };
                stream.InFlight.Add(change);
                try
                {
                    await (change.Kind switch
                    {
                        "delete" => client.DeleteAsync("general", id),
                        "edit" => client.EditAsync("general", id, change.Value),
                        _ => client.ReactAsync("general", id, change.Value),
                    });
                }
                catch (Microsoft.AspNetCore.SignalR.HubException)
                {
                    stream.InFlight.Remove(change);
                    continue; // a rule (editing or reacting to a deleted message): nothing changed
                }
                catch (Exception)
                {
                    return; // the server is gone: this change may or may not be stored
                }

                stream.InFlight.Remove(change);
                lock (stream.Acked)
                {
                    stream.Acked.Add(change);
                }
            }
        });
        return stream;
    }

    private sealed record Change(string Kind, long Id, string Value);

    private sealed class Stream(string user)
    {
        public string User { get; } = user;

        public List<Change> Acked { get; } = [];

        public List<Change> InFlight { get; } = [];

        public Task Done { get; set; } = Task.CompletedTask;
    }
}
