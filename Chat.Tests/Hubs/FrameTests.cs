using System.Net.WebSockets;
using System.Text;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Hubs;

/// <summary>Frames that break the limits or the protocol close the offender's connection, and only that one.</summary>
public class FrameTests
{
    [Fact]
    public async Task A_frame_over_MaxFrameBytes_closes_only_the_offending_connection()
    {
        await using var app = new ChatApplication();
        await using var offender = await app.ConnectAsync("mallory");
        await using var alice = await app.ConnectAsync("alice");
        await alice.SendAsync("before");

        // 40,000 characters: well past the 32 KiB frame limit.
        _ = offender.Connection.InvokeAsync<object>(nameof(IChatHub.SendMessage), new string('x', 40_000), "mallory");

        (await offender.Closed.DefaultTimeout()).Should().NotBeNull("the server closed the connection with an error");
        var after = await alice.SendAsync("after");
        after.Should().NotBeNull();
        (await alice.HistoryAsync()).Select(m => m.Text).Should().Equal("before", "after");
        (await alice.OnlineUsersAsync()).Should().Equal("alice");
    }

    [Fact]
    public async Task MaxFrameBytes_follows_configuration()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:MaxFrameBytes"] = "4096", ["Chat:MaxMessageLength"] = "2000" });
        await using var offender = await app.ConnectAsync("mallory");

        _ = offender.Connection.InvokeAsync<object>(nameof(IChatHub.SendMessage), new string('x', 5_000), "mallory");

        (await offender.Closed.DefaultTimeout()).Should().NotBeNull();
    }

    public static TheoryData<string, byte[]> BrokenFrames => new()
    {
        { "text that is not JSON", Encoding.UTF8.GetBytes("this is not a hub message\u001e") },
        { "truncated JSON", Encoding.UTF8.GetBytes("{\"type\":1,\"target\":\"" + nameof(IChatHub.SendMessage) + "\",\"argum\u001e") },
        { "invalid UTF-8", [0x7b, 0xff, 0xfe, 0xc3, 0x28, 0x7d, 0x1e] },
        { "a JSON array instead of a message", Encoding.UTF8.GetBytes("[1,2,3]\u001e") },
        { "a message with no type", Encoding.UTF8.GetBytes("{\"target\":\"" + nameof(IChatHub.SendMessage) + "\"}\u001e") },
    };

    [Theory]
    [MemberData(nameof(BrokenFrames))]
    public async Task A_frame_that_breaks_the_protocol_closes_only_that_connection(string what, byte[] frame)
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        using var raw = await RawHubSocket.ConnectAsync(app, "mallory");

        await raw.SendAsync(frame, WebSocketMessageType.Text);
        var frames = await raw.ReceiveUntilClosedAsync();

        frames.Should().Contain(f => f.Contains("\"type\":7", StringComparison.Ordinal), $"{what} gets a close message");
        var after = await alice.SendAsync("still here");
        after.Should().NotBeNull();
        (await alice.HistoryAsync()).Select(m => m.Text).Should().Equal("still here");
    }
}
