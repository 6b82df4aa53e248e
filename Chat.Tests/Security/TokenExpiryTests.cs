using Chat.Testing;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Chat.Server.Security;
using Chat.Tests.Infrastructure;
using Chat.Tests.Operations;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Chat.Tests.Security;

/// <summary>SPEC section 7: a connection lives no longer than its token, and the clients come back with a fresh one.</summary>
[Collection(NonParallelTests.Name)]
public class TokenExpiryTests
{
    /// <summary>How late after expiry the server may close the connection (SPEC: clock skew at most 5 s).</summary>
    private static readonly TimeSpan MostLate = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_dotnet_client_is_closed_at_expiry_and_reconnects_with_a_fresh_token()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Auth:SigningKey"] = AuthTests.Key });
        var token = ChatTokens.Create(AuthTests.Key, "alice", admin: false, TimeSpan.FromSeconds(3));
        var expires = new JsonWebToken(token).ValidTo;
        var tokensAsked = 0;
        var url = new Uri(app.Server.BaseAddress, "/hubs/chat");
        await using var connection = new HubConnectionBuilder()
            .WithUrl(url, options =>
            {
                options.AccessTokenProvider = () =>
                {
                    Interlocked.Increment(ref tokensAsked);
                    return Task.FromResult<string?>(Volatile.Read(ref token));
                };
                app.UseInMemoryTransport(options);
            })
            .WithAutomaticReconnect()
            .Build();
        var reconnecting = new TaskCompletionSource<DateTime>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Reconnecting += _ =>
        {
            reconnecting.TrySetResult(DateTime.UtcNow);
            return Task.CompletedTask;
        };
        connection.Reconnected += _ =>
        {
            reconnected.TrySetResult();
            return Task.CompletedTask;
        };
        await connection.StartAsync().DefaultTimeout();
        (await connection.InvokeAsync<ChatMessage?>(nameof(IChatHub.SendMessage), "before expiry", "alice").DefaultTimeout()).Should().NotBeNull();
        Volatile.Write(ref token, ChatTokens.Create(AuthTests.Key, "alice", admin: false, TimeSpan.FromHours(1)));

        var closedAt = await reconnecting.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(20));

        (closedAt - expires).Should().BeLessThan(MostLate, "the server closes a connection within 5 s of its token's expiry");
        closedAt.Should().BeOnOrAfter(expires.AddMilliseconds(-999), "not before it (exp has whole seconds)");
        tokensAsked.Should().BeGreaterThanOrEqualTo(2);
        var ack = await connection.InvokeAsync<ChatMessage?>(nameof(IChatHub.SendMessage), "after reconnect", "alice").DefaultTimeout();
        ack!.User.Should().Be("alice");
    }

    [Fact]
    public async Task The_npm_client_with_an_access_token_factory_reconnects_with_a_new_token_after_expiry()
    {
        Prerequisite.Require(StandardClient.Node, "apt-get install nodejs");
        var database = ChatApplication.NewDatabasePath();
        var tokenFile = Path.Combine(Path.GetTempPath(), $"chat-token-{Guid.NewGuid():N}");
        try
        {
            await using var server = await ChatProcess.StartOnAsync(database, "--Chat:Auth:SigningKey", AuthTests.Key);
            var token = ChatTokens.Create(AuthTests.Key, "alice", admin: false, TimeSpan.FromSeconds(4));
            var expires = new JsonWebToken(token).ValidTo;
            await File.WriteAllTextAsync(tokenFile, token);
            await using var client = NodeEvents.Start(Path.Combine(AppContext.BaseDirectory, "Security", "token-client.js"), server.Url.ToString().TrimEnd('/'), tokenFile);

            await client.NextAsync("acked", TimeSpan.FromSeconds(30));
            await File.WriteAllTextAsync(tokenFile, ChatTokens.Create(AuthTests.Key, "alice", admin: false, TimeSpan.FromHours(1)));
            var reconnecting = await client.NextAsync("reconnecting", TimeSpan.FromSeconds(20));
            await client.NextAsync("reconnected", TimeSpan.FromSeconds(20));
            var acked = await client.NextAsync("acked", TimeSpan.FromSeconds(20));

            var closedAt = DateTimeOffset.FromUnixTimeMilliseconds(reconnecting.GetProperty("at").GetInt64()).UtcDateTime;
            (closedAt - expires).Should().BeLessThan(MostLate, client.ToString());
            acked.GetProperty("text").GetString().Should().Be("after reconnect");
            client.Events.Should().NotContain(e => e.Contains("\"closed\"") || e.Contains("send-failed"), "it came back by itself");
        }
        finally
        {
            File.Delete(tokenFile);
            ChatApplication.DeleteDatabase(database);
        }
    }

    /// <summary>A Node.js script that prints one JSON object per line, each with an <c>event</c> field.</summary>
    private sealed class NodeEvents : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly BlockingCollection<string> _lines = [];
        private readonly ConcurrentQueue<string> _seen = new();

        private NodeEvents(Process process) => _process = process;

        public IEnumerable<string> Events => _seen;

        public static NodeEvents Start(string script, params string[] arguments)
        {
            var start = new ProcessStartInfo(StandardClient.Node) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(script);
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment["NODE_PATH"] = Path.Combine(Repository.Root, "wwwroot", "node_modules");
            var events = new NodeEvents(new Process { StartInfo = start });
            events._process.OutputDataReceived += (_, line) =>
            {
                if (line.Data is { } data)
                {
                    events._seen.Enqueue(data);
                    events._lines.Add(data);
                }
            };
            events._process.ErrorDataReceived += (_, line) => events._seen.Enqueue($"stderr: {line.Data}");
            events._process.Start();
            events._process.BeginOutputReadLine();
            events._process.BeginErrorReadLine();
            return events;
        }

        /// <summary>Skips to the next event named <paramref name="name"/>.</summary>
        public async Task<JsonElement> NextAsync(string name, TimeSpan within)
        {
            var deadline = DateTime.UtcNow + within;
            return await Task.Run(() =>
            {
                while (_lines.TryTake(out var line, Math.Max(0, (int)(deadline - DateTime.UtcNow).TotalMilliseconds)))
                {
                    var element = JsonDocument.Parse(line).RootElement;
                    if (element.GetProperty("event").GetString() == name)
                    {
                        return element;
                    }
                }

                throw new TimeoutException($"No '{name}' event in {within}:\n{this}");
            });
        }

        public override string ToString() => string.Join('\n', _seen);

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }
}
