using Chat.Server.History;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Hubs;

public class ConcurrencyTests
{
    [Fact]
    public async Task Twenty_senders_of_200_messages_each_are_delivered_to_everyone_exactly_once_in_order()
    {
        const int Senders = 20;
        const int PerSender = 200;
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:RateLimit:PerSecond"] = "0" });
        var clients = new List<TestClient>();
        for (var i = 0; i < Senders; i++)
        {
            clients.Add(await app.ConnectAsync($"sender{i:00}"));
        }

        // Act: every sender fires all of its messages at once (the server runs one connection's calls in order).
        var sending = clients.Select((client, s) => Task.WhenAll(
            Enumerable.Range(0, PerSender).Select(n => client.Connection.InvokeAsync<ChatMessage>(nameof(IChatHub.SendMessage), $"{s}:{n}", $"sender{s:00}"))));
        var acks = await Task.WhenAll(sending).WaitAsync(TimeSpan.FromSeconds(60));

        // Assert
        var ackedIds = acks.SelectMany(a => a).Select(m => m.Id).Order().ToList();
        ackedIds.Should().OnlyHaveUniqueItems().And.HaveCount(Senders * PerSender);
        foreach (var client in clients)
        {
            var received = await client.MessagesAsync(Senders * PerSender).WaitAsync(TimeSpan.FromSeconds(60));
            received.Select(m => m.Id).Should().Equal(ackedIds, "every acked message arrives once, in commit order");
            foreach (var group in received.GroupBy(m => m.User))
            {
                group.Select(m => int.Parse(m.Text.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture))
                    .Should().Equal(Enumerable.Range(0, PerSender), $"{group.Key}'s messages arrive in the order sent");
            }
        }

        (await clients[0].AllHistoryAsync()).Should().HaveCount(Senders * PerSender, "the store holds every message once");
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }
}
