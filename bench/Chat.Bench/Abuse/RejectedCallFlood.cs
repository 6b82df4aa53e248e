namespace Chat.Bench.Abuse;

/// <summary>
/// rejected-call pipeline: one connection pipelines calls a rule refuses (a blank message), as fast as the server
/// answers them; what each refusal costs the server, and how much of it lands in its log.
/// </summary>
internal sealed class RejectedCallFlood : AbuseFlood
{
    private const string User = "shouter";

    /// <summary>As many as the server runs at once for one connection (HubExtensions.MaxParallelInvocations).</summary>
    private const int InFlight = 64;

    public override string Name => "rejected-call-pipeline";

    public override async Task FloodAsync(Uri server, TimeSpan duration, TextWriter output, CancellationToken cancellationToken)
    {
        var calls = new Outcomes();
        await using (var shouter = await ConnectAsync(server, User, cancellationToken))
        {
            await InFlightAsync(InFlight, For(duration), async (_, _) =>
                calls.Add(await shouter.CallAsync(nameof(IChatHub.SendToRoom), "\"general\",\"   \",null", cancellationToken)));
        }

        calls.Write(output, $"SendToRoom(\"general\", \"   \", null) from {User}, {InFlight} in flight for {duration.TotalSeconds:0} s");
        output.WriteLine($"    refused {calls.Failed / duration.TotalSeconds:N0} calls/s");
    }
}
