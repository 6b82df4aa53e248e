using Chat.Testing;
using Chat.Server.History;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Operations;

public class SlowConsumerTests
{
    [Fact]
    public async Task A_client_that_never_reads_is_dropped_while_fifty_others_receive_everything()
    {
        const int Readers = 50;
        const int Messages = 500;
        await using var chat = await ChatProcess.StartAsync(
            "--Chat:RateLimit:PerSecond", "0", "--Chat:MaxMessageLength", "16000", "--Chat:SlowClient:MaxBufferBytes", "262144");
        var readers = new List<TestClient>();
        for (var i = 0; i < Readers; i++)
        {
            readers.Add(await chat.ConnectAsync($"reader{i:00}"));
        }

        await using var sender = await chat.ConnectAsync("sender");
        var text = new string('x', 16_000 - 64);

        // A warm server first (its pools and heap grown as under this load), so the growth measured below is what the stalled client costs.
        for (var n = 0; n < Messages / 2; n++)
        {
            await sender.SendAsync($"warm-up {text}", "sender");
        }

        foreach (var reader in readers)
        {
            await reader.MessagesAsync(Messages / 2);
        }

        await using var stalled = await StalledClient.ConnectAsync(chat.Url, "stalled");
        await Eventually.UntilAsync(async () => (await sender.OnlineUsersAsync()).Contains("stalled"), "the stalled client is online");
        var memoryBefore = chat.ResidentBytes;

        // Act: 500 messages of 16 KB, 8 MB in all: more than the stalled client's socket buffers hold.
        var acked = new List<long>();
        for (var n = 0; n < Messages; n++)
        {
            acked.Add((await sender.SendAsync($"{n:000} {text}", "sender"))!.Id);
        }

        // Assert
        foreach (var reader in readers)
        {
            (await reader.MessagesAsync(Messages)).Select(m => m.Id).Should().Equal(acked);
        }

        await chat.DroppedAsync(); // the stalled client's connection was dropped
        chat.Output.Should().Contain("stopped reading");
        var growth = chat.ResidentBytes - memoryBefore;
        growth.Should().BeLessThan(64L * 1024 * 1024, "what waits for the stalled client is bounded");
        foreach (var reader in readers)
        {
            await reader.DisposeAsync();
        }
    }
}
