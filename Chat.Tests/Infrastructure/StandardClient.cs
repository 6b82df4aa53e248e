using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Chat.Server.History;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A SignalR client as an app would use it, with its default automatic reconnect and the hub contract's
/// catch-up (<c>GetHistory(lastSeenId)</c>) after each reconnect: the npm client under Node.js
/// (<c>Clients/standard-client.js</c>) or the .NET client in this process. It records every message id
/// it sees, live or caught up, and how often it reconnected.
/// </summary>
internal sealed class StandardClient : IAsyncDisposable
{
    public const string Node = "/usr/bin/node";

    private readonly ConcurrentDictionary<long, string> _seen = new();
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Process? _node;
    private readonly HubConnection? _dotnet;
    private readonly StringWriterLog _log = new();
    private long _lastSeenId;
    private long _resumeFrom; // _lastSeenId when the connection dropped
    private int _reconnects;

    private StandardClient(string kind, Process? node, HubConnection? dotnet)
    {
        Kind = kind;
        _node = node;
        _dotnet = dotnet;
    }

    public string Kind { get; }

    /// <summary>Reconnects completed (each followed by a catch-up).</summary>
    public int Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>Completes, with the reason, if the client stopped for good.</summary>
    public Task<string> Closed => _closed.Task;

    public static async Task<StandardClient> StartAsync(string kind, Uri server, string user) => kind switch
    {
        "js" => await StartJsAsync(server, user, stateful: false),
        "js-stateful" => await StartJsAsync(server, user, stateful: true),
        "dotnet" => await StartDotnetAsync(server, user),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "js, js-stateful or dotnet"),
    };

    /// <summary>Waits until every one of <paramref name="ids"/> has been seen, live or caught up.</summary>
    public async Task SawAllAsync(IEnumerable<long> ids, TimeSpan within)
    {
        var wanted = ids.ToList();
        var deadline = DateTime.UtcNow + within;
        while (wanted.Any(id => !_seen.ContainsKey(id)))
        {
            if (DateTime.UtcNow > deadline || _closed.Task.IsCompleted)
            {
                var missing = wanted.Where(id => !_seen.ContainsKey(id)).ToList();
                throw new TimeoutException(
                    $"The {Kind} client did not see {missing.Count} of {wanted.Count} messages (first missing: {missing[0]}); " +
                    $"closed: {(_closed.Task.IsCompleted ? _closed.Task.Result : "no")}; reconnects: {Reconnects}.\n{_log}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_node is { HasExited: false })
        {
            _node.Kill();
            await _node.WaitForExitAsync();
        }

        _node?.Dispose();
        if (_dotnet is not null)
        {
            await _dotnet.DisposeAsync();
        }
    }

    private static async Task<StandardClient> StartJsAsync(Uri server, string user, bool stateful)
    {
        Prerequisite.Require(Node, "apt-get install nodejs");
        var start = new ProcessStartInfo(Node)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Clients", "standard-client.js"));
        start.ArgumentList.Add(server.ToString().TrimEnd('/'));
        start.ArgumentList.Add(user);
        start.ArgumentList.Add(stateful ? "stateful" : "plain");
        start.Environment["NODE_PATH"] = Path.Combine(Repository.Root, "wwwroot", "node_modules");

        var client = new StandardClient(stateful ? "js-stateful" : "js", new Process { StartInfo = start }, null);
        client._node!.OutputDataReceived += (_, line) => client.OnJsLine(line.Data);
        client._node.ErrorDataReceived += (_, line) => client._log.Add($"stderr: {line.Data}");
        client._node.Start();
        client._node.BeginOutputReadLine();
        client._node.BeginErrorReadLine();
        await client._connected.Task.DefaultTimeout();
        return client;
    }

    private static async Task<StandardClient> StartDotnetAsync(Uri server, string user)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, $"/hubs/chat?user={Uri.EscapeDataString(user)}"))
            .WithAutomaticReconnect()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .Build();
        var client = new StandardClient("dotnet", null, connection);
        connection.On<ChatMessage>(nameof(IChatClient.ReceiveMessage), message => client.Seen(message.Id, "live"));
        connection.Reconnecting += error =>
        {
            client._resumeFrom = Volatile.Read(ref client._lastSeenId);
            client._log.Add($"reconnecting: {error?.Message}");
            return Task.CompletedTask;
        };
        connection.Reconnected += async _ =>
        {
            client._log.Add("reconnected");
            Interlocked.Increment(ref client._reconnects);
            ChatMessage[] page;
            var after = client._resumeFrom;
            do
            {
                page = await connection.InvokeAsync<ChatMessage[]>(nameof(IChatHub.GetHistory), after, 100);
                foreach (var message in page)
                {
                    client.Seen(message.Id, "history");
                    after = message.Id;
                }
            }
            while (page.Length == 100);
        };
        connection.Closed += error =>
        {
            client._closed.TrySetResult(error?.Message ?? "closed");
            return Task.CompletedTask;
        };
        await connection.StartAsync().DefaultTimeout();
        if ((await connection.InvokeAsync<ChatMessage[]>(nameof(IChatHub.GetHistory), null, 1)).FirstOrDefault() is { } latest)
        {
            client._lastSeenId = latest.Id;
        }

        return client;
    }

    private void Seen(long id, string via)
    {
        _seen.TryAdd(id, via);
        if (id > Volatile.Read(ref _lastSeenId))
        {
            Volatile.Write(ref _lastSeenId, id);
        }
    }

    private void OnJsLine(string? line)
    {
        if (string.IsNullOrEmpty(line))
        {
            return;
        }

        _log.Add(line);
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        switch (root.GetProperty("event").GetString())
        {
            case "connected":
                _connected.TrySetResult();
                break;
            case "message":
                Seen(root.GetProperty("id").GetInt64(), root.GetProperty("via").GetString()!);
                break;
            case "reconnected":
                Interlocked.Increment(ref _reconnects);
                break;
            case "closed":
                _closed.TrySetResult(root.GetProperty("error").GetString()!);
                break;
            case "failed":
                _connected.TrySetException(new InvalidOperationException($"The js client could not start: {root.GetProperty("error").GetString()}"));
                break;
        }
    }

    /// <summary>The client's own log lines, kept for a failure message (messages not included).</summary>
    private sealed class StringWriterLog
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public void Add(string? line)
        {
            if (line is not null && !line.Contains("\"event\":\"message\"", StringComparison.Ordinal))
            {
                _lines.Enqueue(line);
            }
        }

        public override string ToString() => string.Join('\n', _lines.TakeLast(30));
    }
}
