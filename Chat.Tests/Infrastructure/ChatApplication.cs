using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// Chat on the in-memory test server with its own SQLite file (unless the settings name another store). Pass the
/// same <see cref="DatabasePath"/> to a second instance to "restart" the server on the same history.
/// </summary>
internal sealed class ChatApplication : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDatabase;
    private readonly Action<IServiceCollection>? _services;

    /// <param name="services">Replaces some of the server's services (applied after its own registrations).</param>
    public ChatApplication(IDictionary<string, string?>? settings = null, string? databasePath = null, Action<IServiceCollection>? services = null)
    {
        _ownsDatabase = databasePath is null;
        _services = services;
        DatabasePath = databasePath ?? NewDatabasePath();
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        _settings.TryAdd("ConnectionStrings:Chat", $"Data Source={DatabasePath}");
    }

    public string DatabasePath { get; }

    /// <summary>What the server logged, filtered by its own logging configuration.</summary>
    public CapturedLogs Logs { get; } = new();

    /// <summary>A fresh, unused SQLite file path in the temp folder.</summary>
    public static string NewDatabasePath()
    {
        var folder = Path.Combine(Path.GetTempPath(), "chat-tests");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, $"{Guid.NewGuid():N}.db");
    }

    /// <summary>
    /// A started hub connection over WebSockets; <paramref name="user"/> null connects as a guest.
    /// It returns after one round trip, so the server has finished the connection's OnConnectedAsync.
    /// </summary>
    public async Task<TestClient> ConnectAsync(string? user = "alice", string? token = null, bool messagePack = false)
    {
        var client = new TestClient(CreateConnection(user, token, messagePack));
        await client.Connection.StartAsync().DefaultTimeout();
        await client.OnlineUsersAsync();
        return client;
    }

    /// <summary>A hub connection, not started; <paramref name="token"/> is sent as SignalR clients send it.</summary>
    public HubConnection CreateConnection(string? user, string? token = null, bool messagePack = false)
    {
        var url = new Uri(Server.BaseAddress, user is null ? "/hubs/chat" : $"/hubs/chat?user={Uri.EscapeDataString(user)}");
        var builder = new HubConnectionBuilder();
        if (messagePack)
        {
            builder.AddMessagePackProtocol();
        }

        return builder
            .WithUrl(url, options =>
            {
                if (token is not null)
                {
                    options.AccessTokenProvider = () => Task.FromResult<string?>(token);
                }

                UseInMemoryTransport(options);
            })
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .Build();
    }

    /// <summary>
    /// Routes a SignalR client's WebSockets through this in-memory server. Both factories are needed,
    /// or the client silently falls back to server-sent events.
    /// </summary>
    public void UseInMemoryTransport(HttpConnectionOptions options)
    {
        var server = Server;
        options.Transports = HttpTransportType.WebSockets;
        options.HttpMessageHandlerFactory = _ => server.CreateHandler();
        options.WebSocketFactory = async (context, cancellationToken) =>
        {
            var client = server.CreateWebSocketClient();
            if (context.Options.AccessTokenProvider is { } tokens && await tokens() is { } token)
            {
                // A custom WebSocket factory has to send the token itself, as the real WebSocket transport does.
                client.ConfigureRequest = request => request.Headers.Authorization = $"Bearer {token}";
            }

            return await client.ConnectAsync(context.Uri, cancellationToken);
        };
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsDatabase)
        {
            DeleteDatabase(DatabasePath);
        }
    }

    public static void DeleteDatabase(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }
}
