using Chat.Testing;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Chat.Tests.Infrastructure;
using Chat.Server.Operations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Chat.Tests.Operations;

/// <summary>Stopping a server whose store hangs, and a store that cannot commit: bounded, honest, and nothing acked lost.</summary>
public sealed class ShutdownTests
{
    /// <summary>The host's default shutdown timeout.</summary>
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task SIGTERM_with_the_store_hung_exits_in_time_takes_no_reconnect_and_loses_nothing_acked()
    {
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        await using var proxy = new TcpProxy(new NpgsqlConnectionStringBuilder(database).Port);
        var viaProxy = new NpgsqlConnectionStringBuilder(database) { Port = proxy.Port }.ConnectionString;
        await using var chat = await ChatProcess.StartAsync("--ConnectionStrings:Chat", viaProxy, "--Chat:RateLimit:PerSecond", "0");
        var clients = new List<TestClient>();
        for (var i = 0; i < 5; i++)
        {
            clients.Add(await chat.ConnectAsync($"sender{i}"));
        }

        var senders = new ContinuousSenders(clients, "sender");
        await senders.WaitForAcksAsync(100);

        // Act: the store hangs with sends in flight, then the server is told to stop.
        proxy.Pause();
        var stopping = Stopwatch.StartNew();
        chat.Terminate();
        await Eventually.Until(() => chat.Output.Contains("Application is shutting down", StringComparison.Ordinal), "the server starts stopping");
        var latecomers = TryToConnectUntilExitAsync(chat);
        var exitCode = await chat.WaitForExitAsync(TimeSpan.FromSeconds(90));
        stopping.Stop();
        var outcomes = await senders.StopAsync();
        proxy.Resume();

        // Assert
        exitCode.Should().Be(0, $"a graceful stop exits 0; server output:\n{chat.Output}");
        stopping.Elapsed.Should().BeLessThan(ShutdownTimeout, $"the writer gives up on a hung store before the host's shutdown timeout; server output:\n{chat.Output}");
        (await latecomers).Should().Be(0, "no connection is taken once the server is stopping");
        outcomes.Failed.Should().HaveCount(clients.Count, "each sender's send in flight failed at the sender");
        var stored = await StoredAsync(database);
        stored.Should().Contain(outcomes.Acked.Select(m => (m.Id, m.Text)), "every acked message is stored");
    }

    [Fact]
    public async Task Once_the_server_is_stopping_hub_requests_get_503_with_a_reason_and_readiness_fails()
    {
        using var lifetime = new StoppingLifetime();
        var gate = new ShutdownGate(_ => Task.CompletedTask, lifetime);
        var context = new DefaultHttpContext { Request = { Path = "/hubs/chat/negotiate" }, Response = { Body = new MemoryStream() } };

        // Act
        lifetime.Stop();
        await gate.InvokeAsync(context);
        var health = await new StoppingHealthCheck(lifetime).CheckHealthAsync(new HealthCheckContext());

        // Assert
        context.Response.StatusCode.Should().Be(StatusCodes.Status503ServiceUnavailable);
        context.Response.Body.Position = 0;
        new StreamReader(context.Response.Body).ReadToEnd().Should().Be(ShutdownGate.Refusal);
        health.Status.Should().Be(HealthStatus.Unhealthy);
    }

    [SkippableFact]
    public async Task While_commits_fail_on_a_full_disk_sends_get_a_clear_error_and_readyz_answers_503_until_space_returns()
    {
        using var disk = SmallDisk.Mount(4 * 1024 * 1024);
        await using var chat = await ChatProcess.StartOnAsync(Path.Combine(disk.Path, "chat.db"), "--Chat:RateLimit:PerSecond", "0");
        await using var alice = await chat.ConnectAsync("alice");
        using var http = new HttpClient { BaseAddress = chat.Url };
        (await alice.SendAsync("before the disk filled up", "alice")).Should().NotBeNull();

        // Act: the disk fills up; commits fail once what SQLite had set aside is used.
        disk.Fill();
        Exception? failure = null;
        for (var n = 0; n < 500 && failure is null; n++)
        {
            try
            {
                await alice.SendAsync($"{n} {new string('x', 1900)}", "alice");
            }
            catch (Microsoft.AspNetCore.SignalR.HubException exception)
            {
                failure = exception;
            }
        }

        // Assert
        failure.Should().NotBeNull("a full disk makes commits fail");
        failure!.Message.Should().EndWith("The message was not saved because the history store could not save it. Try again in a moment.");
        using (var ready = await http.GetAsync("/readyz"))
        {
            ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            (await ready.Content.ReadAsStringAsync()).Should().StartWith("Unhealthy\nhistory: Commits to the history store fail: ").And.Contain("full");
        }

        // Act: space comes back.
        disk.Free();

        // Assert: ready again without a send (it tries a commit itself), and sends work.
        await Cluster.WaitForReadinessAsync(chat.Url, HttpStatusCode.OK);
        (await alice.SendAsync("after space came back", "alice")).Should().NotBeNull();
    }

    [SkippableFact]
    public async Task After_a_restart_on_a_nearly_full_disk_readyz_answers_503_before_any_send_fails()
    {
        // Arrange: a server that stored a message, stopped; meanwhile its disk filled up
        using var disk = SmallDisk.Mount(4 * 1024 * 1024);
        await using var chat = await ChatProcess.StartOnAsync(Path.Combine(disk.Path, "chat.db"));
        await using (var alice = await chat.ConnectAsync("alice"))
        {
            (await alice.SendAsync("before the restart", "alice")).Should().NotBeNull();
        }

        chat.Terminate();
        await chat.WaitForExitAsync(TimeSpan.FromSeconds(45));
        disk.Fill(leave: 40 * 1024); // room to open the file (its shared-memory index takes 32 KiB), none to commit

        // Act
        await chat.RestartAsync();
        using var http = new HttpClient { BaseAddress = chat.Url };
        using var ready = await http.GetAsync("/readyz");

        // Assert: unready at once, saying why; ready again once there is room
        ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await ready.Content.ReadAsStringAsync()).Should().StartWith("Unhealthy\nhistory: Commits to the history store fail: ");
        disk.Free();
        await Cluster.WaitForReadinessAsync(chat.Url, HttpStatusCode.OK);
    }

    /// <summary>Connects again and again until the server process has exited; returns how many connections it took.</summary>
    private static async Task<int> TryToConnectUntilExitAsync(ChatProcess chat)
    {
        var taken = 0;
        while (!chat.HasExited)
        {
            try
            {
                await using var latecomer = await chat.ConnectAsync("latecomer");
                taken++;
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Refused, as it should be.
            }

            await Task.Delay(100);
        }

        return taken;
    }

    private sealed class StoppingLifetime : IHostApplicationLifetime, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new();

        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => _stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void Stop() => _stopping.Cancel();

        public void StopApplication() => Stop();

        public void Dispose() => _stopping.Dispose();
    }

    private static async Task<List<(long Id, string Text)>> StoredAsync(string database)
    {
        await using var source = NpgsqlDataSource.Create(database);
        await using var query = source.CreateCommand("SELECT id, text FROM chat_messages ORDER BY id;");
        await using var reader = await query.ExecuteReaderAsync();
        var stored = new List<(long, string)>();
        while (await reader.ReadAsync())
        {
            stored.Add((reader.GetInt64(0), reader.GetString(1)));
        }

        return stored;
    }
}
