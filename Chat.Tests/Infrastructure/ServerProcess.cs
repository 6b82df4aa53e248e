using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// Chat.Server as a real process (Kestrel on 127.0.0.1): for tests of start-up, signals and restarts.
/// Its output is kept and shown when it fails to start.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServerProcess(Process process) => _process = process;

    /// <summary>The address it listens on, once started.</summary>
    public Uri Url => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : throw new InvalidOperationException("The server has not started.");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Resident memory of the server process now, in bytes.</summary>
    public long ResidentBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>Starts the server with <paramref name="arguments"/> (e.g. <c>--Chat:MaxMessageLength 10</c>) and returns at once.</summary>
    /// <param name="published">A <c>dotnet publish</c> output folder to run the server from, as an operator would (no content root given).</param>
    public static ServerProcess Launch(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? published = null)
    {
        var serverDll = Path.Combine(published ?? AppContext.BaseDirectory, "Chat.Server.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = published ?? AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(serverDll);
        if (published is null)
        {
            start.ArgumentList.Add("--contentRoot");
            start.ArgumentList.Add(Path.Combine(Repository.Root, "Chat.Server"));
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var server = new ServerProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
        server._process.OutputDataReceived += (_, line) => server.Collect(line.Data);
        server._process.ErrorDataReceived += (_, line) => server.Collect(line.Data);
        server._process.Exited += (_, _) => server._listening.TrySetException(new InvalidOperationException($"The server exited before listening:\n{server.Output}"));
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Starts the server on a free loopback port (or <paramref name="port"/>) and waits until it listens.</summary>
    public static async Task<ServerProcess> StartAsync(string databasePath, int port = 0, params string[] arguments)
    {
        var server = Launch(
            ["--urls", $"http://127.0.0.1:{port}", "--ConnectionStrings:Chat", $"Data Source={databasePath}", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information", .. arguments]);
        try
        {
            await server._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            await server.DisposeAsync();
            throw new TimeoutException($"The server did not start listening in time:\n{server.Output}");
        }

        return server;
    }

    /// <summary>Waits until the server says where it listens.</summary>
    public async Task WaitUntilListeningAsync() => await _listening.Task.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM: asks the process to shut down gracefully, as a service manager or container runtime does.</summary>
    public void Terminate() => Signals.Send(_process.Id, Signals.Term);

    /// <summary>SIGKILL: the process dies at once, as in a crash.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}

/// <summary>Paths in the repository the tests run from.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Chat.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No Chat.sln above {AppContext.BaseDirectory}.");
    }
}
