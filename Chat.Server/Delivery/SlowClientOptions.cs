using Chat.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Chat.Server.Delivery;

/// <summary>How far behind a client may fall before it is dropped (<c>Chat:SlowClient</c>).</summary>
public sealed class SlowClientOptions
{
    public const string Section = "Chat:SlowClient";

    /// <summary>Bytes that may wait for one client before its connection is dropped (it reconnects and catches up).</summary>
    public long MaxBufferBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Bytes that may wait for clients, summed over every connection of this server. Past it, commits wait
    /// for clients to catch up, and clients that make no progress meanwhile are dropped, biggest backlog first.
    /// </summary>
    public long MaxTotalBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Seconds a client may go without reading while messages wait for it, before it is dropped.</summary>
    public double MaxStallSeconds { get; set; } = 10;

    /// <summary>
    /// Milliseconds commits wait, once per stall, for a client that fell half its buffer behind (or for the
    /// total to come back under budget) before going on without it: clients that keep up, even barely, pace
    /// the senders; one that stalls costs the others one such pause, then is left behind until the limits
    /// above drop it.
    /// </summary>
    public int WaitMilliseconds { get; set; } = 200;
}

internal sealed class SlowClientOptionsValidator : IValidateOptions<SlowClientOptions>
{
    public ValidateOptionsResult Validate(string? name, SlowClientOptions options)
    {
        var failures = new OptionFailures();
        failures.Range("Chat:SlowClient:MaxBufferBytes", options.MaxBufferBytes, 64 * 1024, 1L << 30);
        failures.Range("Chat:SlowClient:MaxTotalBytes", options.MaxTotalBytes, 1024 * 1024, 1L << 40);
        failures.Range("Chat:SlowClient:WaitMilliseconds", options.WaitMilliseconds, 0, 10_000);
        if (options.MaxStallSeconds is not (> 0 and <= 3600))
        {
            failures.Add($"Chat:SlowClient:MaxStallSeconds must be more than 0 and at most 3600, but is {options.MaxStallSeconds}.");
        }

        return failures.Result;
    }
}
