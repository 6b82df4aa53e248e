using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Chat.Testing;

/// <summary>
/// Chat.Server (or another ASP.NET Core program beside it, such as the benchmark's baseline hub) as a real process on
/// loopback, as an operator runs it: for tests of start-up, signals, restarts and clusters, and for the benchmark. It
/// keeps its output (shown when it fails to start), and can be stopped (SIGTERM), killed (SIGKILL), hung (SIGSTOP) and
/// started again on the same port and history.
/// </summary>
public sealed partial class ChatProcess : IAsyncDisposable
{
    public const int SignalTerm = 15;
    public const int SignalStop = 19;
    public const int SignalContinue = 18;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ChatProcessOptions _options;
    private readonly StringBuilder _output = new();
    private Process _process = null!;
    private TaskCompletionSource<Uri> _listening = null!;
    private int _errorEntries;
    private long _outputBytes;

    private ChatProcess(ChatProcessOptions options) => _options = options;

    /// <summary>The address it listens on, once started.</summary>
    public Uri Url => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : throw new InvalidOperationException($"The server has not started:\n{Output}");

    /// <summary>The SQLite file of its history (unless the arguments name another store).</summary>
    public string DatabasePath { get; private set; } = "";

    /// <summary>What the current process has written to standard output and error.</summary>
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

    /// <summary>Error and Critical log entries the current process wrote (the console logger's <c>fail:</c> and <c>crit:</c>).</summary>
    public int ErrorEntries => Volatile.Read(ref _errorEntries);

    /// <summary>Bytes of output the current process wrote.</summary>
    public long OutputBytes => Interlocked.Read(ref _outputBytes);

    /// <summary>Raised for each line the current process writes (on the output reader's thread).</summary>
    public event Action<string>? Line;

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    /// <summary>Resident memory of the process now, in bytes.</summary>
    public long ResidentBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>CPU time the process has used so far (user and system).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Starts a server with <paramref name="arguments"/> on a fresh SQLite file and waits until it listens.</summary>
    public static Task<ChatProcess> StartAsync(params string[] arguments) => StartAsync(new ChatProcessOptions { Arguments = arguments });

    /// <summary>A server whose SQLite history is the file <paramref name="databasePath"/>.</summary>
    public static Task<ChatProcess> StartOnAsync(string databasePath, params string[] arguments) =>
        StartAsync(new ChatProcessOptions { DatabasePath = databasePath, Arguments = arguments });

    public static async Task<ChatProcess> StartAsync(ChatProcessOptions options)
    {
        var server = Launch(options);
        try
        {
            await server.WaitUntilListeningAsync();
        }
        catch (Exception failure) when (failure is TimeoutException or InvalidOperationException)
        {
            await server.DisposeAsync();
            throw new InvalidOperationException($"The server did not start listening:\n{server.Output}", failure);
        }

        return server;
    }

    /// <summary>Starts the process and returns at once (a start that should fail is awaited with <see cref="WaitForExitAsync"/>).</summary>
    public static ChatProcess Launch(ChatProcessOptions options)
    {
        var server = new ChatProcess(options) { DatabasePath = options.DatabasePath ?? NewDatabasePath() };
        server.Begin(options.Port);
        return server;
    }

    /// <summary>A fresh, unused SQLite file path in the temp folder.</summary>
    public static string NewDatabasePath()
    {
        var folder = Path.Combine(Path.GetTempPath(), "chat-tests");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, $"{Guid.NewGuid():N}.db");
    }

    /// <summary>Deletes a SQLite file with its write-ahead log and shared-memory index.</summary>
    public static void DeleteDatabase(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }

    /// <summary>Waits until the server says where it listens.</summary>
    public async Task WaitUntilListeningAsync() => await _listening.Task.WaitAsync(StartTimeout);

    /// <summary>Waits for the process to end by itself and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM: asks the process to shut down gracefully, as a service manager or container runtime does.</summary>
    public void Terminate() => Signal(SignalTerm);

    /// <summary>Sends a POSIX signal to the process (SIGSTOP hangs it, SIGCONT lets it go on).</summary>
    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>SIGKILL: the process dies at once, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Kills the process (if it still runs) and starts a new one on the same port and history.</summary>
    public async Task RestartAsync()
    {
        var port = Url.Port;
        await KillAsync();
        _process.Dispose();
        Begin(port);
        await WaitUntilListeningAsync();
    }

    /// <summary>SIGTERM, as a deployment does, then a new process on the same port and history once it has exited.</summary>
    public async Task RestartGracefullyAsync()
    {
        var port = Url.Port;
        Terminate();
        await WaitForExitAsync(TimeSpan.FromSeconds(45));
        _process.Dispose();
        Begin(port);
        await WaitUntilListeningAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
        if (_options.DatabasePath is null)
        {
            DeleteDatabase(DatabasePath);
        }
    }

    private void Begin(int port)
    {
        var folder = _options.Published ?? AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        start.ArgumentList.Add(Path.Combine(folder, _options.Program));
        if (_options.Published is null)
        {
            // Run from a build output, the server needs to be told where its content (and web root) is.
            start.ArgumentList.Add("--contentRoot");
            start.ArgumentList.Add(_options.ContentRoot ?? Path.Combine(Repository.Root, "Chat.Server"));
        }

        string[] common = ["--urls", $"http://127.0.0.1:{port}", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information"];
        string[] history = _options.Program == ChatProcessOptions.Server ? ["--ConnectionStrings:Chat", $"Data Source={DatabasePath}"] : [];
        foreach (var argument in (string[])[.. common, .. history, .. _options.Arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in _options.Environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        lock (_output)
        {
            _output.Clear();
        }

        (_errorEntries, _outputBytes) = (0, 0);
        var listening = _listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => Collect(line.Data, listening);
        process.ErrorDataReceived += (_, line) => Collect(line.Data, listening);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"The server exited before listening:\n{Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private void Collect(string? line, TaskCompletionSource<Uri> listening)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        Interlocked.Add(ref _outputBytes, Encoding.UTF8.GetByteCount(line) + 1);
        if (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _errorEntries);
        }

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            listening.TrySetResult(new Uri(match.Groups[1].Value));
        }

        Line?.Invoke(line);
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code for one call
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}

/// <summary>How a <see cref="ChatProcess"/> starts.</summary>
public sealed record ChatProcessOptions
{
    public const string Server = "Chat.Server.dll";

    /// <summary>The program beside the caller: Chat.Server by default, or another one such as the benchmark's baseline hub.</summary>
    public string Program { get; init; } = Server;

    /// <summary>Settings on its command line (<c>--Chat:MaxMessageLength 10</c>), after the common ones, so they win.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Chat.Server's SQLite file, kept after the process (a fresh one, deleted after, when null).</summary>
    public string? DatabasePath { get; init; }

    /// <summary>The content root (null: the repository's Chat.Server folder, whose web root is the page).</summary>
    public string? ContentRoot { get; init; }

    /// <summary>A <c>dotnet publish</c> output folder to run the server from, as an operator would (no content root given).</summary>
    public string? Published { get; init; }

    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>The loopback port to listen on; 0: any free one.</summary>
    public int Port { get; init; }
}

/// <summary>Paths in the repository the caller runs from.</summary>
public static class Repository
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
