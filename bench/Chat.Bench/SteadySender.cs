using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench;

/// <summary>The ack times of a normal user's sends over a window, in milliseconds.</summary>
/// <param name="Slowest">The three slowest acks and when each came, in seconds from the window's start.</param>
internal readonly record struct AckTimes(int Count, double P50, double P99, int Refused, string Slowest);

/// <summary>
/// The normal user beside a flood, in a process of its own (this program's hidden <c>steady-sender</c> command),
/// so that the flood's work in this process does not delay its acks: one message in <c>general</c> every
/// interval, each awaited; it prints each ack time, in milliseconds, or "refused".
/// </summary>
internal sealed class SteadySender : IAsyncDisposable
{
    /// <summary>The name the normal user sends under.</summary>
    public const string User = "normal";

    private readonly Process _process;
    private readonly List<(double Ms, long At)> _acks = [];
    private long _windowStart = Stopwatch.GetTimestamp();
    private int _refused;
    private int _refusedInWindow;

    private SteadySender(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) =>
        {
            if (line.Data == "refused")
            {
                Interlocked.Increment(ref _refused);
                Interlocked.Increment(ref _refusedInWindow);
            }
            else if (double.TryParse(line.Data, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms))
            {
                lock (_acks)
                {
                    _acks.Add((ms, Stopwatch.GetTimestamp()));
                }
            }
        };
        _process.BeginOutputReadLine();
    }

    /// <summary>Sends refused since the start.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Acks received since the last <see cref="Take"/>.</summary>
    public int Pending
    {
        get
        {
            lock (_acks)
            {
                return _acks.Count;
            }
        }
    }

    /// <summary>Starts the child process, which sends one message to <paramref name="server"/> every <paramref name="every"/>.</summary>
    public static SteadySender Start(Uri server, TimeSpan every)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Chat.Bench.dll"));
        start.ArgumentList.Add("steady-sender");
        start.ArgumentList.Add(server.ToString());
        start.ArgumentList.Add("--every");
        start.ArgumentList.Add(every.TotalMilliseconds.ToString(CultureInfo.InvariantCulture));
        return new SteadySender(Process.Start(start)!);
    }

    /// <summary>The median ack time since the last call, in milliseconds.</summary>
    public double TakeP50() => Take().P50;

    /// <summary>The ack times since the last call, and the sends refused meanwhile.</summary>
    public AckTimes Take()
    {
        lock (_acks)
        {
            var sorted = _acks.Select(ack => ack.Ms).Order().ToList();
            var windowStart = _windowStart;
            var slowest = string.Join(", ", _acks.OrderByDescending(ack => ack.Ms).Take(3).Select(ack => string.Create(
                CultureInfo.InvariantCulture, $"{ack.Ms:F1} ms at {Stopwatch.GetElapsedTime(windowStart, ack.At).TotalSeconds:F1} s")));
            var times = new AckTimes(sorted.Count, Stats.Percentile(sorted, 0.50), Stats.Percentile(sorted, 0.99), Interlocked.Exchange(ref _refusedInWindow, 0), slowest);
            _acks.Clear();
            _windowStart = Stopwatch.GetTimestamp();
            return times;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    /// <summary>The child's side: sends under <see cref="User"/> until killed.</summary>
    public static async Task<int> RunChildAsync(Uri server, TimeSpan every, CancellationToken cancellationToken)
    {
        await using var connection = await Stats.ConnectAsync(server, User, cancellationToken);
        for (var n = 0; !cancellationToken.IsCancellationRequested; n++)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await connection.InvokeAsync<object>(nameof(IChatHub.SendMessage), $"normal {n}", User, cancellationToken);
                Console.WriteLine(Stopwatch.GetElapsedTime(start).TotalMilliseconds.ToString("F3", CultureInfo.InvariantCulture));
            }
            catch (HubException)
            {
                Console.WriteLine("refused");
            }

            await Task.Delay(every, cancellationToken);
        }

        return 0;
    }
}
