using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL server for tests (initdb and pg_ctl from Debian's <c>postgresql</c> package):
/// trust authentication on 127.0.0.1, no fsync, everything in its own temp folder. Tests share one
/// (<see cref="SharedAsync"/>) and each takes its own database from it.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private const string Versions = "/usr/lib/postgresql";
    private const string Install = "apt-get install postgresql";

    private static readonly Lazy<Task<PostgresServer>> Shared = new(() => StartAsync(FindBin()!));

    private readonly string _bin;
    private readonly string _folder;
    private readonly NpgsqlDataSource _admin;
    private int _stopped;

    private PostgresServer(string bin, string folder, int port)
    {
        _bin = bin;
        _folder = folder;
        Port = port;
        _admin = NpgsqlDataSource.Create(ConnectionString("postgres"));
    }

    public int Port { get; }

    private string Data => Path.Combine(_folder, "data");

    // The server refuses to run as root, so as root its programs run as the postgres user.
    private static bool AsRoot => Environment.UserName == "root";

    /// <summary>One server for the whole test run, started on first use; stopped when the test process exits.</summary>
    public static Task<PostgresServer> SharedAsync()
    {
        Prerequisite.Require(Path.Combine(FindBin() ?? Path.Combine(Versions, "*", "bin"), "initdb"), Install);
        return Shared.Value;
    }

    /// <summary>A new, empty database; returns its connection string. Every caller gets its own.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"chat_{Guid.NewGuid():N}";
        await using var command = _admin.CreateCommand($"CREATE DATABASE {name};");
        await command.ExecuteNonQueryAsync().DefaultTimeout();
        return ConnectionString(name);
    }

    /// <summary>A connection string to <paramref name="database"/> (which need not exist) as a new login role without CREATEDB.</summary>
    public async Task<string> RoleWithoutCreateDbAsync(string database)
    {
        var role = $"user_{Guid.NewGuid():N}";
        await using var command = _admin.CreateCommand($"CREATE ROLE {role} LOGIN NOCREATEDB;");
        await command.ExecuteNonQueryAsync().DefaultTimeout();
        return new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = role, Database = database }.ConnectionString;
    }

    /// <summary>A connection string, as the superuser, to a database nobody has created yet.</summary>
    public string MissingDatabase() => ConnectionString($"chat_{Guid.NewGuid():N}");

    /// <summary>Stops the server at once (<c>pg_ctl stop -m immediate</c>) and deletes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _admin.DisposeAsync();
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Data, "-m", "immediate", "stop"], check: false);
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // The server may still be removing its own files; the watchdog deletes the folder at exit.
            }
        }
    }

    private string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database }.ConnectionString;

    private static async Task<PostgresServer> StartAsync(string bin)
    {
        var folder = Path.Combine(Path.GetTempPath(), "chat-tests", $"postgres-{Guid.NewGuid():N}");
        var data = Path.Combine(folder, "data");
        var log = Path.Combine(folder, "log");
        Directory.CreateDirectory(folder);
        try
        {
            if (AsRoot)
            {
                await RunAsync("chown", ["postgres", folder], runAsPostgres: false);
            }

            await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]);
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort();
                var settings = $"-p {port} -k \"{folder}\" -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200";
                var (exitCode, output) = await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-w", "-t", "60", "-l", log, "-o", settings, "start"], check: false);
                if (exitCode == 0)
                {
                    StartWatchdog(folder, [.. Elevated(Path.Combine(bin, "pg_ctl")), "-D", data, "-m", "immediate", "stop"]);
                    return new PostgresServer(bin, folder, port);
                }

                // Most likely another process took the port between our probe and the start: try another.
                await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "stop"], check: false);
                if (attempt == 3)
                {
                    var serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no log)";
                    throw new InvalidOperationException($"PostgreSQL did not start:\n{output}\n--- server log ---\n{serverLog}");
                }
            }
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="stop"/> and deletes <paramref name="folder"/> once this test process is gone,
    /// however it ends, so no server outlives the run. (A ProcessExit handler is not enough: the test
    /// runner kills its host about 100 ms after the last test, before <c>pg_ctl stop</c> returns.)
    /// </summary>
    private static void StartWatchdog(string folder, string[] stop)
    {
        const string Script = """
            exec </dev/null >/dev/null 2>&1
            pid=$1; folder=$2; shift 2
            while kill -0 "$pid"; do sleep 1; done
            "$@"
            rm -rf "$folder"
            """;

        // Its own session, so a Ctrl+C that stops the test run does not stop the watchdog too.
        var start = new ProcessStartInfo("setsid") { UseShellExecute = false };
        foreach (var argument in (string[])["sh", "-c", Script, "watchdog", $"{Environment.ProcessId}", folder, .. stop])
        {
            start.ArgumentList.Add(argument);
        }

        using var watchdog = Process.Start(start);
    }

    /// <summary>The command line that runs <paramref name="program"/> as the postgres user when we are root.</summary>
    private static string[] Elevated(string program) => AsRoot ? ["runuser", "-u", "postgres", "--", program] : [program];

    /// <summary>The bin folder of the newest PostgreSQL installed, if any.</summary>
    private static string? FindBin() =>
        Directory.Exists(Versions)
            ? Directory.GetDirectories(Versions)
                .Where(version => File.Exists(Path.Combine(version, "bin", "initdb")))
                .OrderByDescending(version => Version.TryParse(Path.GetFileName(version) + ".0", out var number) ? number : new Version())
                .Select(version => Path.Combine(version, "bin"))
                .FirstOrDefault()
            : null;

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string[] arguments, bool check = true, bool runAsPostgres = true)
    {
        string[] command = [.. runAsPostgres ? Elevated(program) : [program], .. arguments];
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        var text = $"{await output}{await errors}";
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{text}");
        }

        return (process.ExitCode, text);
    }
}
