using System.Diagnostics;
using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// Server memory per idle connection: the server's resident memory before and after many connections
/// that only answer pings. They connect as guests (no user name), so the figure is the connection's own
/// cost, not presence broadcasts (which grow with the square of the count). With <see cref="Options.InRoom"/>,
/// connections that are each a named user who joined a room (rooms of <see cref="RoomSize"/>) are compared,
/// on Chat, with guests (what names and memberships add) or with named users in no room (what the room adds).
/// Named users' arrivals are announced to everyone (the square of the count), and the buffers that takes stay
/// in Kestrel's pool: their RSS growth is mostly that, so tell a room's own cost with a heap dump (--hold).
/// </summary>
internal static class IdleMemoryBenchmark
{
    /// <summary>Who the idle connections are.</summary>
    public enum Idler
    {
        Guest,
        Named,
        InRoom,
    }

    /// <param name="InRoom">Compare named users in a room with <paramref name="Versus"/>, both on Chat, instead of Chat's guests with the bare hub's.</param>
    /// <param name="Versus">What the users in a room are compared with: <see cref="Idler.Guest"/> or <see cref="Idler.Named"/>.</param>
    public sealed record Options(int Rounds, int Connections, TimeSpan Hold, bool InRoom = false, Idler Versus = Idler.Guest);

    /// <summary>Members per room with <see cref="Options.InRoom"/>: each join is announced to the room, so one room of everyone would cost the square of the count.</summary>
    public const int RoomSize = 100;

    /// <summary>One run on one server.</summary>
    public sealed record Result(double KiBPerConnection, double ConnectsPerSecond, double ResidentMiB);

    /// <summary>Connections opened first, so the measured ones carry no start-up cost (compilation, pools).</summary>
    private const int WarmUpConnections = 100;

    public static async Task<Comparison<Result>> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        var limit = OpenFileLimit();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"idle memory: {options.Rounds} alternating rounds, {options.Connections:N0} idle connections after {WarmUpConnections} warm-up ones{(options.InRoom ? $", named users each in a room of {RoomSize} against {Name(options.Versus)}, both on Chat" : "")}; open-file limit {limit:N0}"));
        if (limit < options.Connections + WarmUpConnections + 200)
        {
            throw new InvalidOperationException($"The open-file limit ({limit}) is too low for {options.Connections} connections; raise it with ulimit -n.");
        }

        Func<Result, string> describe = r => string.Create(
            CultureInfo.InvariantCulture,
            $"{r.KiBPerConnection,6:F1} KiB per connection  server RSS {r.ResidentMiB:F0} MiB  connected {r.ConnectsPerSecond:N0}/s");
        var results = options.InRoom ? new Comparison<Result>(output, Name(Idler.InRoom), Name(options.Versus)) : new Comparison<Result>(output);
        if (options.InRoom)
        {
            await results.AlternateAsync(options.Rounds, inRoom => MeasureAsync(ServerKind.Chat, inRoom ? Idler.InRoom : options.Versus, options, cancellationToken), describe);
        }
        else
        {
            await results.RunAsync(options.Rounds, kind => MeasureAsync(kind, Idler.Guest, options, cancellationToken), describe);
        }

        results.Header(string.Create(CultureInfo.InvariantCulture, $"idle memory, {options.Connections:N0} connections (medians)"));
        results.Median("server memory per idle connection (RSS growth / connections)", r => r.KiBPerConnection, "F1", " KiB");
        results.Median("server RSS with all connected", r => r.ResidentMiB, "F0", " MiB");
        results.Median(options.InRoom ? "connections opened (and rooms joined) per second (64 at a time)" : "connections opened per second (64 at a time)", r => r.ConnectsPerSecond, "N0");
        if (options.InRoom)
        {
            var (inRoom, versus) = results.Medians(r => r.KiBPerConnection);
            output.WriteLine();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Name(Idler.InRoom)} - {Name(options.Versus)}: {inRoom - versus:+0.0;-0.0} KiB per idle connection (the issue: at most +1 KiB)"));
        }

        return results;
    }

    /// <param name="idler">Who connects: guests, or (Chat only) named users, in a room or not.</param>
    /// <summary>One run with guests: on a fresh server, or on <paramref name="on"/>, which stays up (their connections closed).</summary>
    public static Task<Result> MeasureAsync(ServerKind kind, Options options, CancellationToken cancellationToken, BenchServer? on = null) =>
        MeasureAsync(kind, Idler.Guest, options, cancellationToken, on);

    private static async Task<Result> MeasureAsync(ServerKind kind, Idler idler, Options options, CancellationToken cancellationToken, BenchServer? on = null)
    {
        var server = on ?? await BenchServer.StartAsync(kind, cancellationToken);
        var groups = new List<RawClients>();
        try
        {
            groups.Add(await RawClients.ConnectAsync(WarmUpConnections, Connect("warm"), cancellationToken));
            await PresenceSettledAsync(groups[0], WarmUpConnections);
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var before = server.ResidentBytes();

            var clock = Stopwatch.StartNew();
            groups.Add(await RawClients.ConnectAsync(options.Connections, Connect("idle"), cancellationToken));
            var connecting = clock.Elapsed;
            await PresenceSettledAsync(groups[0], WarmUpConnections + options.Connections);
            // Let the server finish what connecting started (handshakes, first pings) before reading its memory.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var after = server.ResidentBytes();
            if (options.Hold > TimeSpan.Zero)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"holding {kind} (process {server.ProcessId}) with {options.Connections:N0} connections ({Name(idler)}) for {options.Hold.TotalSeconds:F0} s"));
                await Task.Delay(options.Hold, cancellationToken);
            }

            return new Result((after - before) / 1024.0 / options.Connections, options.Connections / connecting.TotalSeconds, after / (1024.0 * 1024.0));
        }
        finally
        {
            // The server goes first: 10,000 connections closing one by one would only keep it busy (unless it stays up).
            if (on is null)
            {
                await server.DisposeAsync();
            }

            foreach (var group in groups)
            {
                await group.DisposeAsync();
            }
        }

        // A guest, or user prefix + index, who (in a room) joins room prefix-(index / RoomSize) once connected.
        Func<int, CancellationToken, Task<RawConnection>> Connect(string prefix) => async (index, token) =>
        {
            var user = idler == Idler.Guest ? null : $"{prefix}{index}";
            var connection = await RawConnection.ConnectAsync(server.Url, user, log: null, token, bufferBytes: 1024);
            if (idler == Idler.InRoom && !await connection.JoinRoomAsync($"{prefix}-{index / RoomSize}", token))
            {
                await connection.DisposeAsync();
                throw new InvalidOperationException($"{prefix}{index} could not join a room: {connection.FirstError ?? "the connection closed"}");
            }

            return connection;
        };

        // Named users' arrivals are announced to everyone a second after they connect, which the first connection hears
        // too: memory is read once those broadcasts (the square of the count) are over. Guests make none.
        async Task PresenceSettledAsync(RawClients first, int users)
        {
            if (idler != Idler.Guest && !await Stage.WaitUntilAsync(() => first.Connections[0].UsersJoined >= users, TimeSpan.FromMinutes(5), cancellationToken))
            {
                throw new InvalidOperationException($"The first connection heard {first.Connections[0].UsersJoined:N0} of the {users:N0} arrivals within 5 minutes.");
            }
        }
    }

    private static string Name(Idler idler) => idler switch
    {
        Idler.Guest => "guests",
        Idler.Named => "named",
        _ => "in a room",
    };

    /// <summary>This process's soft limit on open files (each connection is one), from <c>/proc/self/limits</c>.</summary>
    private static long OpenFileLimit()
    {
        var line = File.ReadLines("/proc/self/limits").First(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return soft == "unlimited" ? long.MaxValue : long.Parse(soft, CultureInfo.InvariantCulture);
    }
}
