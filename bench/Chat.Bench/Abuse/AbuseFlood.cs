using System.Diagnostics;
using System.Net.WebSockets;

namespace Chat.Bench.Abuse;

/// <summary>
/// One way one user abuses Chat, run by <see cref="AbuseBenchmark"/> against a fresh server with its default
/// limits while a normal user sends: what it needs in place first, then the flood itself, which says what it got.
/// </summary>
internal abstract class AbuseFlood
{
    /// <summary>The flood's name on the command line and in the table.</summary>
    public abstract string Name { get; }

    /// <summary>Settings added to the server's command line after the default limits.</summary>
    public virtual IReadOnlyList<string> Settings => [];

    /// <summary>What must be in place before the quiet window (messages, users online); what it returns is kept until the server stops.</summary>
    public virtual Task<IAsyncDisposable?> PrepareAsync(Uri server, TextWriter output, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable?>(null);

    /// <summary>Floods for about <paramref name="duration"/> (or for its fixed number of calls), closes its connections, and writes what it got.</summary>
    public abstract Task FloodAsync(Uri server, TimeSpan duration, TextWriter output, CancellationToken cancellationToken);

    /// <summary>What is asked once the flood is over (what it left behind), outside the window the normal user's acks are measured in.</summary>
    public virtual Task CheckAsync(Uri server, TextWriter output, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A raw connection of <paramref name="user"/>; refused for the connect rate (429), it tries again.</summary>
    protected static async Task<RawConnection> ConnectAsync(Uri server, string user, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RawConnection.ConnectAsync(server, user, null, cancellationToken);
            }
            catch (WebSocketException refused) when (refused.Message.Contains("429", StringComparison.Ordinal) && attempt < 100)
            {
                // The connect budget refills 100 a second.
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }
        }
    }

    /// <summary>A call made while setting up, repeated while the budget refuses it; the error it ended with, or null.</summary>
    protected static async Task<string?> PacedAsync(RawConnection connection, string target, string arguments, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var error = await connection.CallAsync(target, arguments, cancellationToken);
            if (error is null || !error.Contains(Outcomes.TooFast, StringComparison.Ordinal) || attempt == 200)
            {
                return error;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    /// <summary>
    /// Keeps <paramref name="inFlight"/> calls going, each worker making its next once the last is answered,
    /// while <paramref name="more"/>(the call's number) holds; <paramref name="call"/> gets the worker and the call's number.
    /// </summary>
    protected static Task InFlightAsync(int inFlight, Func<long, bool> more, Func<int, long, Task> call)
    {
        var next = -1L;
        return Task.WhenAll(Enumerable.Range(0, inFlight).Select(async worker =>
        {
            long number;
            while (more(number = Interlocked.Increment(ref next)))
            {
                await call(worker, number);
            }
        }));
    }

    /// <summary>A condition for <see cref="InFlightAsync"/>: true until <paramref name="duration"/> from now.</summary>
    protected static Func<long, bool> For(TimeSpan duration)
    {
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        return _ => Stopwatch.GetTimestamp() < until;
    }

    /// <summary>Runs a call of the .NET client: null when it is answered, else the error's text.</summary>
    protected static async Task<string?> TryAsync(Func<Task> call)
    {
        try
        {
            await call();
            return null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return exception.Message;
        }
    }
}
