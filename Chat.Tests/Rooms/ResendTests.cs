using Chat.Testing;
using Chat.Server.History;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Rooms;

/// <summary>
/// A send cut by a real disconnect after the server stored it, before its ack came back: resent with its
/// clientMessageId after the reconnect, it is the same message, stored and broadcast once. On both stores.
/// </summary>
public class ResendTests
{
    [SkippableTheory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_send_cut_by_a_disconnect_is_resent_after_reconnecting_without_a_duplicate(string store)
    {
        string[] arguments = store == "postgres" ? ["--ConnectionStrings:Chat", await (await PostgresServer.SharedAsync()).CreateDatabaseAsync()] : [];
        await using var chat = await ChatProcess.StartAsync(arguments);
        await using var proxy = new TcpProxy(chat.Url.Port);
        await using var bob = await chat.ConnectAsync("bob");
        var connection = new HubConnectionBuilder()
            .WithUrl($"http://127.0.0.1:{proxy.Port}/hubs/chat?user=alice")
            .WithAutomaticReconnect([TimeSpan.Zero, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)])
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .Build();
        await using var _ = connection;
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Reconnected += _ =>
        {
            reconnected.TrySetResult();
            return Task.CompletedTask;
        };
        await connection.StartAsync().DefaultTimeout();

        // Act: every byte through the proxy now takes 400 ms, so the server stores and broadcasts the
        // message while its ack is still on the way back; then the connection is cut.
        proxy.Delay = TimeSpan.FromMilliseconds(400);
        var send = connection.InvokeAsync<ChatMessage>(nameof(IChatHub.SendToRoom), "general", "cut in the middle", "b7e3c1a0-resend");
        var broadcast = await bob.NextMessageAsync();
        proxy.CutAll();
        proxy.Delay = TimeSpan.Zero;

        // Assert: the send fails as a page sees it, and the resend after the reconnect is the stored message.
        (await send.Invoking(s => s.DefaultTimeout()).Should().ThrowAsync<Exception>()).Which.Should().NotBeOfType<Microsoft.AspNetCore.SignalR.HubException>("the connection failed, not a rule");
        await reconnected.Task.DefaultTimeout();
        var resent = await connection.InvokeAsync<ChatMessage>(nameof(IChatHub.SendToRoom), "general", "cut in the middle", "b7e3c1a0-resend").DefaultTimeout();

        resent.Should().Be(broadcast);
        (await bob.HistoryAsync()).Should().Equal(broadcast);
        await bob.Invoking(b => b.NextMessageAsync()).Should().NotCompleteWithinAsync(TimeSpan.FromMilliseconds(500), "nothing was broadcast again");
    }
}
