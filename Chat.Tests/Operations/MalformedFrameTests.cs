using Chat.Testing;
using System.Net.WebSockets;
using Chat.Server.History;
using Chat.Server.Rules;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Operations;

public class MalformedFrameTests
{
    private const int Frames = 10_000;
    private const int Attackers = 16;

    [Fact]
    public async Task Ten_thousand_malformed_frames_neither_crash_the_server_nor_disturb_well_behaved_clients()
    {
        await using var chat = await ChatProcess.StartAsync("--Chat:RateLimit:PerSecond", "0");
        var honest = new List<TestClient>();
        for (var i = 0; i < 3; i++)
        {
            honest.Add(await chat.ConnectAsync($"honest{i}"));
        }

        // Act: attackers throw frames from many connections, reconnecting whenever the server closes one,
        // while the honest clients send 100 messages each.
        var sent = 0;
        var attack = Task.WhenAll(Enumerable.Range(0, Attackers).Select(seed => Task.Run(async () =>
        {
            var frames = new MalformedFrameGenerator(seed);
            RawHubSocket? socket = null;
            while (Interlocked.Increment(ref sent) <= Frames)
            {
                if (socket is null || socket.State != WebSocketState.Open)
                {
                    socket?.Dispose();
                    socket = await RawHubSocket.ConnectAsync(chat.Url, $"attacker{seed}");
                    _ = socket.DrainAsync();
                }

                var (bytes, type) = frames.Next();
                try
                {
                    await socket.SendAsync(bytes, type);
                }
                catch (Exception exception) when (exception is WebSocketException or OperationCanceledException or IOException)
                {
                    // The server closed this connection for what it sent before; the next frame reconnects.
                }
            }

            socket?.Dispose();
        })));
        var acks = await Task.WhenAll(honest.Select(async (client, i) =>
        {
            var ids = new List<long>();
            for (var n = 0; n < 100; n++)
            {
                ids.Add((await client.SendAsync($"honest {i}/{n}", $"honest{i}"))!.Id);
            }

            return ids;
        }));
        await attack.WaitAsync(TimeSpan.FromMinutes(3));

        // Assert
        chat.HasExited.Should().BeFalse("the server survives every frame");
        var acked = acks.SelectMany(ids => ids).Order().ToList();
        foreach (var client in honest)
        {
            var received = await ReceiveUntilAsync(client, acked[^1]);
            received.Select(m => m.Id).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
            received.Select(m => m.Id).Should().Contain(acked, "a well-behaved client receives every message");
        }

        var history = await honest[0].AllHistoryAsync();
        history.Select(m => m.Id).Should().Contain(acked);
        history.Should().OnlyContain(m => IsValid(m), "the store holds only messages that pass the rules");
        foreach (var client in honest)
        {
            await client.DisposeAsync();
        }
    }

    private static bool IsValid(ChatMessage message)
    {
        try
        {
            UserNames.Normalize(message.User);
            return !string.IsNullOrWhiteSpace(message.Text) && message.Text.Length <= 2000;
        }
        catch (InputRejectedException)
        {
            return false;
        }
    }

    private static async Task<List<ChatMessage>> ReceiveUntilAsync(TestClient client, long lastId)
    {
        var received = new List<ChatMessage>();
        while (received.Count == 0 || received[^1].Id < lastId)
        {
            received.Add(await client.NextMessageAsync());
        }

        return received;
    }
}
