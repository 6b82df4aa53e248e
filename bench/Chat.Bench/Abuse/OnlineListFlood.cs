using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench.Abuse;

/// <summary>
/// list over the burst: with a read burst of 500 and 505 other users online, one user asks who is online in a
/// loop. An answer longer than the whole burst must be an answer or a budget refusal, never an internal error.
/// </summary>
internal sealed class OnlineListFlood : AbuseFlood
{
    private const string User = "lister";
    private const int ReadBurst = 500;
    private const int Online = 505;
    private const int InFlight = 8;

    public override string Name => "list-over-the-burst";

    public override IReadOnlyList<string> Settings => ["--Chat:RateLimit:ReadBurst", $"{ReadBurst}"];

    public override async Task<IAsyncDisposable?> PrepareAsync(Uri server, TextWriter output, CancellationToken cancellationToken)
    {
        var online = await RawClients.ConnectAsync(Online, (index, token) => ConnectAsync(server, $"online{index:000}", token), cancellationToken);
        output.WriteLine($"  {Online} other users online (raw connections, kept until the server stops); the server's read burst is {ReadBurst}");
        return online;
    }

    public override async Task FloodAsync(Uri server, TimeSpan duration, TextWriter output, CancellationToken cancellationToken)
    {
        var calls = new Outcomes();
        var longest = 0;
        await using (var lister = await Stats.ConnectAsync(server, User, cancellationToken))
        {
            await InFlightAsync(InFlight, For(duration), async (_, _) => calls.Add(await TryAsync(async () =>
            {
                var names = await lister.InvokeAsync<string[]>(nameof(IChatHub.GetOnlineUsers), cancellationToken);
                InterlockedMax(ref longest, names.Length);
            })));
        }

        calls.Write(output, $"GetOnlineUsers() from {User}, {InFlight} in flight for {duration.TotalSeconds:0} s");
        output.WriteLine($"    answers listed up to {longest} names; refused for the read budget: {calls.With(Outcomes.ReadBudget):N0}; " +
            $"internal errors (\"{Outcomes.Internal}\"): {calls.With(Outcomes.Internal):N0}; other failures: {calls.Failed - calls.With(Outcomes.ReadBudget) - calls.With(Outcomes.Internal):N0}");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
