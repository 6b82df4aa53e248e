using Chat.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Chat.Server.Presence;

/// <summary>Who hears of arrivals and departures (<c>Chat:Presence</c>).</summary>
public sealed class PresenceOptions
{
    public const string Section = "Chat:Presence";

    /// <summary>
    /// While at most this many users are online, an arrival or departure goes to every connection; above it, only to the
    /// connections that share a room or direct conversation with the user or watch them (<c>WatchUsers</c>).
    /// </summary>
    public int BroadcastLimit { get; set; } = 1000;
}

internal sealed class PresenceOptionsValidator : IValidateOptions<PresenceOptions>
{
    public ValidateOptionsResult Validate(string? name, PresenceOptions options)
    {
        var failures = new OptionFailures();
        failures.Range("Chat:Presence:BroadcastLimit", options.BroadcastLimit, 0, 10_000_000);
        return failures.Result;
    }
}
