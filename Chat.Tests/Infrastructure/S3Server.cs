using System.Diagnostics;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A real S3-compatible server (the npm <c>s3rver</c> under Node, <c>Chat.Tests/Storage/s3rver.js</c>) on loopback, with one
/// bucket, its objects in a temporary folder. It checks request signatures: the keys are <see cref="AccessKey"/> and <see cref="SecretKey"/>.
/// </summary>
internal sealed class S3Server : IAsyncDisposable
{
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";
    public const string Bucket = "chat-files";

    private readonly Process _node;
    private readonly string _folder;
    private readonly List<string> _log = [];

    private S3Server(Process node, string folder)
    {
        _node = node;
        _folder = folder;
    }

    /// <summary>The service address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string ServiceUrl { get; private set; } = "";

    /// <summary>The server settings that put a node's files in this bucket.</summary>
    public string[] Arguments =>
        ["--Chat:Files:S3:ServiceUrl", ServiceUrl, "--Chat:Files:S3:Bucket", Bucket, "--Chat:Files:S3:AccessKey", AccessKey, "--Chat:Files:S3:SecretKey", SecretKey];

    /// <summary>The same as configuration keys, for an in-process server.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Chat:Files:S3:ServiceUrl"] = ServiceUrl,
        ["Chat:Files:S3:Bucket"] = Bucket,
        ["Chat:Files:S3:AccessKey"] = AccessKey,
        ["Chat:Files:S3:SecretKey"] = SecretKey,
    };

    public static async Task<S3Server> StartAsync()
    {
        Prerequisite.Require(StandardClient.Node, "apt-get install nodejs");
        var folder = Path.Combine(Path.GetTempPath(), "chat-tests", "s3-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var start = new ProcessStartInfo(StandardClient.Node) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "Chat.Tests", "Storage", "s3rver.js"));
        start.ArgumentList.Add(folder);
        start.ArgumentList.Add(Bucket);
        var server = new S3Server(new Process { StartInfo = start }, folder);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        server._node.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text)
            {
                server.Record(text);
                if (text.StartsWith("listening ", StringComparison.Ordinal))
                {
                    listening.TrySetResult(text["listening ".Length..]);
                }
            }
        };
        server._node.ErrorDataReceived += (_, line) => server.Record($"stderr: {line.Data}");
        server._node.Start();
        server._node.BeginOutputReadLine();
        server._node.BeginErrorReadLine();
        try
        {
            server.ServiceUrl = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"s3rver did not start:\n{server.Log}");
        }

        return server;
    }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_node.HasExited)
        {
            _node.Kill();
            await _node.WaitForExitAsync();
        }

        _node.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Record(string line)
    {
        lock (_log)
        {
            _log.Add(line);
        }
    }
}
