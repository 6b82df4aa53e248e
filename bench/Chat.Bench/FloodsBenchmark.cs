using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench;

/// <summary>
/// <c>chat-bench floods</c>: one abusive client against a Chat server with its default limits on, while a
/// normal user sends at a human rate. Three floods, one after the other: <c>--connections</c> connection
/// attempts from one address (<c>--concurrency</c> at a time, the accepted ones kept open); <c>--churns</c> connect/close
/// cycles with a new name each, counted as presence events at an observer; <c>--readers</c> calls of
/// <c>GetHistory(null, 500)</c> kept in flight by one user. Prints the normal sender's ack p50 quiet and
/// during the connection flood, what the server refused, and what each flood got.
/// </summary>
internal static class FloodsBenchmark
{
    public sealed record Options(int Connections, int Concurrency, int Churns, int Readers, TimeSpan ReadFor);

    // Chat's defaults, put back over what BenchServer turns off for the other benchmarks.
    public static readonly string[] DefaultLimits =
    [
        "--Chat:RateLimit:PerSecond", "10", "--Chat:RateLimit:ReadsPerSecond", "2000",
        "--Chat:Limits:ConnectionsPerAddress", "1000", "--Chat:Limits:ConnectsPerSecond", "100", "--Chat:Limits:MaxConnections", "50000",
    ];

    public static async Task RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        await using var server = await BenchServer.StartAsync(cancellationToken, DefaultLimits);
        output.WriteLine($"floods: Chat with its default limits; a normal user sends 4 messages/s and awaits each ack");
        await using var normal = await ConnectAsync(server.Url, "filler", cancellationToken);
        await using var sender = SteadySender.Start(server.Url, TimeSpan.FromMilliseconds(250));

        // 1. Quiet, then the connection flood.
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var quiet = sender.TakeP50();
        var flood = Stopwatch.StartNew();
        var (accepted, refused, failed, held) = await ConnectionFloodAsync(server.Url, options.Connections, options.Concurrency, cancellationToken);
        var floodSeconds = flood.Elapsed.TotalSeconds;
        var during = sender.TakeP50();
        var rssWithFlood = server.ResidentBytes();
        foreach (var connection in held)
        {
            await connection.DisposeAsync();
        }

        // Past the leave grace, so the flood's own leaves are told before the churn is counted.
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        output.WriteLine($"connection flood: {options.Connections:N0} attempts from one address, {options.Concurrency} at a time, in {floodSeconds:F0} s: {accepted:N0} accepted, {refused:N0} refused with 429, {failed:N0} failed otherwise");
        output.WriteLine($"  normal sender's ack p50: {quiet:F1} ms quiet, {during:F1} ms during the flood ({during / quiet:F2}x)");
        output.WriteLine($"  server RSS {rssWithFlood / 1048576.0:F0} MiB with the flood's connections open, {server.ResidentBytes() / 1048576.0:F0} MiB 5 s after they closed");

        // 2. Churn: connect and close under a new name each time.
        await using var observer = await ConnectAsync(server.Url, "observer", cancellationToken);
        var events = 0;
        observer.On<string>(nameof(IChatClient.UserJoined), _ => Interlocked.Increment(ref events));
        observer.On<string>(nameof(IChatClient.UserLeft), _ => Interlocked.Increment(ref events));
        var churnRefused = 0;
        var churn = Stopwatch.StartNew();
        for (var i = 0; i < options.Churns; i++)
        {
            try
            {
                await using var connection = await ConnectAsync(server.Url, $"churn{i:0000}", cancellationToken);
            }
            catch (HttpRequestException)
            {
                churnRefused++;
            }
        }

        var churnSeconds = churn.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        output.WriteLine($"churn: {options.Churns} connect/close cycles with new names in {churnSeconds:F1} s ({churnRefused} refused): the observer got {events} presence events");

        // 3. History flood: one user keeps many GetHistory(null, 500) calls in flight.
        for (var i = 0; i < 500; i += 10)
        {
            await normal.InvokeAsync<object>(nameof(IChatHub.SendMessage), $"history {i}", "filler", cancellationToken);
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        await using var reader = await ConnectAsync(server.Url, "reader", cancellationToken);
        var (messages, calls, readRefused) = await HistoryFloodAsync(reader, options.Readers, options.ReadFor, cancellationToken);
        var seconds = options.ReadFor.TotalSeconds;
        output.WriteLine($"history flood: {options.Readers} GetHistory(null, 500) in flight for {seconds:0} s: {calls} calls answered ({calls * 500 / seconds:N0} messages/s charged at 500 a call; " +
            $"budget 2,000/s after a burst of 10,000: {(10_000 + (2_000 * seconds)) / seconds:N0}/s over this run), {messages / seconds:N0} messages/s delivered, {readRefused:N0} calls refused");
        output.WriteLine($"  normal sender's ack p50 during it: {sender.TakeP50():F1} ms; its sends refused throughout: {sender.Refused}");
    }

    private static async Task<HubConnection> ConnectAsync(Uri server, string user, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server, $"/hubs/chat?user={user}"), options => options.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets)
            .Build();
        try
        {
            await connection.StartAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Raw WebSockets that skip negotiation (as a flooding script would): little work for the generator, all of it for the server.</summary>
    private static async Task<(int Accepted, int Refused, int Failed, ConcurrentBag<RawConnection> Held)> ConnectionFloodAsync(Uri server, int attempts, int concurrency, CancellationToken cancellationToken)
    {
        var held = new ConcurrentBag<RawConnection>();
        int accepted = 0, refused = 0, failed = 0, next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < attempts)
            {
                try
                {
                    held.Add(await RawConnection.ConnectAsync(server, $"flood{next:00000}", null, cancellationToken, bufferBytes: 1024));
                    Interlocked.Increment(ref accepted);
                }
                catch (System.Net.WebSockets.WebSocketException refusal) when (refusal.Message.Contains("429", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref refused);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        }));
        return (accepted, refused, failed, held);
    }

    private static async Task<(long Messages, int Calls, int Refused)> HistoryFloodAsync(HubConnection reader, int inFlight, TimeSpan duration, CancellationToken cancellationToken)
    {
        long messages = 0;
        int calls = 0, refused = 0;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            while (Stopwatch.GetTimestamp() < until)
            {
                try
                {
                    var page = await reader.InvokeAsync<object[]>(nameof(IChatHub.GetHistory), null, 500, cancellationToken);
                    Interlocked.Add(ref messages, page.Length);
                    Interlocked.Increment(ref calls);
                }
                catch (HubException)
                {
                    Interlocked.Increment(ref refused);
                }
            }
        }));
        return (messages, calls, refused);
    }
}
