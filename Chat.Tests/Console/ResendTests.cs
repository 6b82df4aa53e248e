using System.Net.WebSockets;
using Chat.Client.Console;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.ConsoleClient;

/// <summary>A send whose ack is lost with the connection goes again after the reconnect, with the same client message id, and is stored once.</summary>
public class ResendTests
{
    [Fact]
    public async Task A_line_whose_ack_is_lost_with_the_connection_is_sent_again_with_the_same_id_and_stored_once()
    {
        var held = new AckHolder("the ack of this one is lost");
        await using var app = new ChatApplication(services: services => services.Configure<HubOptions>(options => options.AddFilter(held)));
        var sockets = new ClientSockets(app);
        await using var bob = await app.ConnectAsync("bob");
        await using var alice = await InteractiveRun.StartAsync(new ChatEndpoint(app.Server.BaseAddress, "alice"), sockets.Configure);

        // Act: stored, then the connection drops before the ack leaves the server.
        alice.Input.Type("the ack of this one is lost");
        await held.Committed.DefaultTimeout();
        sockets.AbortAll();
        held.Release();
        await alice.Output.LineAsync("* reconnected");
        alice.Input.Type("the next line");
        await alice.Output.MessageAsync("alice: the next line");

        // Assert
        held.ClientMessageIds.Should().HaveCount(2).And.OnlyContain(id => id == held.ClientMessageIds[0]);
        Guid.TryParse(held.ClientMessageIds[0], out _).Should().BeTrue();
        (await bob.AllHistoryAsync()).Select(m => m.Text).Should().Equal("the ack of this one is lost", "the next line");
        alice.Output.MessageBodies.Should().Equal("alice: the ack of this one is lost", "alice: the next line");
        alice.Output.Lines.Should().NotContain(line => line.StartsWith("error", StringComparison.Ordinal));
    }

    /// <summary>Records each <c>SendToRoom</c> of <paramref name="text"/>, and holds the first one's ack after it is committed until <see cref="Release"/>.</summary>
    private sealed class AckHolder(string text) : IHubFilter
    {
        private readonly TaskCompletionSource _committed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<string?> _ids = [];

        public Task Committed => _committed.Task;

        public IReadOnlyList<string?> ClientMessageIds
        {
            get
            {
                lock (_ids)
                {
                    return [.. _ids];
                }
            }
        }

        public void Release() => _released.TrySetResult();

        public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocation, Func<HubInvocationContext, ValueTask<object?>> next)
        {
            if (invocation.HubMethodName != nameof(IChatHub.SendToRoom) || invocation.HubMethodArguments[1] as string != text)
            {
                return await next(invocation);
            }

            bool first;
            lock (_ids)
            {
                _ids.Add(invocation.HubMethodArguments[2] as string);
                first = _ids.Count == 1;
            }

            var result = await next(invocation);
            if (first)
            {
                _committed.TrySetResult();
                await _released.Task.DefaultTimeout();
            }

            return result;
        }
    }

    /// <summary>The in-memory transport, keeping each client WebSocket so a test can drop them all, as a network failure would.</summary>
    private sealed class ClientSockets(ChatApplication app)
    {
        private readonly List<WebSocket> _sockets = [];

        public void Configure(HttpConnectionOptions options)
        {
            app.UseInMemoryTransport(options);
            var connect = options.WebSocketFactory!;
            options.WebSocketFactory = async (context, cancellationToken) =>
            {
                var socket = await connect(context, cancellationToken);
                lock (_sockets)
                {
                    _sockets.Add(socket);
                }

                return socket;
            };
        }

        public void AbortAll()
        {
            lock (_sockets)
            {
                _sockets.ForEach(socket => socket.Abort());
                _sockets.Clear();
            }
        }
    }
}
