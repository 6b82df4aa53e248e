using Chat.Testing;
using Chat.Server.History;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;

namespace Chat.Tests.Operations;

/// <summary>A real server process dies or is stopped while clients send: nothing acked is ever lost.</summary>
public class FaultTests
{
    private const int Senders = 5;

    [Fact]
    public async Task After_SIGKILL_mid_stream_every_acked_message_is_in_history_once()
    {
        await using var chat = await ChatProcess.StartAsync("--Chat:RateLimit:PerSecond", "0");
        var senders = await StartSendingAsync(chat);
        await senders.WaitForAcksAsync(200);

        // Act: the process dies with messages in flight, then a new one starts on the same file.
        await chat.KillAsync();
        var outcomes = await senders.StopAsync();
        await chat.RestartAsync();

        // Assert
        var history = await ReadAllHistoryAsync(chat);
        outcomes.Acked.Should().NotBeEmpty();
        history.Select(m => m.Id).Should().OnlyHaveUniqueItems();
        history.Select(m => m.Text).Should().OnlyHaveUniqueItems("no message is stored twice");
        history.Select(m => (m.Id, m.Text)).Should().Contain(outcomes.Acked.Select(m => (m.Id, m.Text)), "every acked message survived the crash");
    }

    [Fact]
    public async Task SIGTERM_stops_the_server_with_exit_code_0_and_every_in_flight_message_is_acked_and_stored_or_failed()
    {
        await using var chat = await ChatProcess.StartAsync("--Chat:RateLimit:PerSecond", "0");
        var senders = await StartSendingAsync(chat);
        await senders.WaitForAcksAsync(200);

        // Act
        chat.Terminate();
        var exitCode = await chat.WaitForExitAsync(TimeSpan.FromSeconds(45));
        var outcomes = await senders.StopAsync();
        await chat.RestartAsync();

        // Assert
        exitCode.Should().Be(0, $"a graceful stop exits 0; server output:\n{chat.Output}");
        var history = await ReadAllHistoryAsync(chat);
        history.Select(m => m.Text).Should().OnlyHaveUniqueItems();
        history.Select(m => (m.Id, m.Text)).Should().Contain(outcomes.Acked.Select(m => (m.Id, m.Text)), "nothing acked is lost");
        outcomes.Failed.Should().HaveCount(Senders, "each sender's in-flight send failed at the sender when the server went away");
    }

    [SkippableFact]
    public async Task A_sender_whose_commit_lost_the_store_mid_way_is_told_it_may_have_been_saved_not_that_it_was_not()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var proxy = new TcpProxy(new NpgsqlConnectionStringBuilder(database).Port);
        await using var chat = await ChatProcess.StartAsync("--ConnectionStrings:Chat", new NpgsqlConnectionStringBuilder(database) { Port = proxy.Port }.ConnectionString);
        await using var alice = await chat.ConnectAsync("alice");
        await alice.SendAsync("before", "alice");

        // Act: PostgreSQL gets the COMMIT, and the server never hears back.
        proxy.CutAfterSending = TcpProxy.Bytes("COMMIT\0"); // the query COMMIT, not READ COMMITTED
        var send = () => alice.SendAsync("was it saved?", "alice");

        // Assert
        (await send.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith(
            "The message may not have been saved: the history store stopped answering while saving it. Check the history before sending it again.");
        proxy.CutAfterSending = null;
        (await alice.HistoryAsync()).Select(m => m.Text).Should().Equal("before", "was it saved?");
    }

    private static async Task<ContinuousSenders> StartSendingAsync(ChatProcess chat)
    {
        var clients = new List<TestClient>();
        for (var i = 0; i < Senders; i++)
        {
            clients.Add(await chat.ConnectAsync($"sender{i}"));
        }

        return new ContinuousSenders(clients, "sender");
    }

    private static async Task<List<ChatMessage>> ReadAllHistoryAsync(ChatProcess chat)
    {
        await using var reader = await chat.ConnectAsync("auditor");
        return await reader.AllHistoryAsync();
    }
}
