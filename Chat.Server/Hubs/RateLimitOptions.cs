using Chat.Server.Configuration;
using Chat.Server.Rules;
using Microsoft.Extensions.Options;

namespace Chat.Server.Hubs;

/// <summary>Budgets for hub calls (<c>Chat:RateLimit</c>), per user: shared by a user's connections, per connection for a guest.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "Chat:RateLimit";

    /// <summary>Sustained sends per second; 0 turns the send budget off.</summary>
    public int PerSecond { get; set; } = 10;

    /// <summary>Sends that may be made at once before the sustained rate applies.</summary>
    public int Burst { get; set; } = 20;

    /// <summary>History messages, names and conversations that may be read per second; 0 turns the read budget off.</summary>
    public int ReadsPerSecond { get; set; } = 2000;

    /// <summary>What may be read at once (a catch-up of several pages) before the sustained rate applies.</summary>
    public int ReadBurst { get; set; } = 10_000;
}

internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new OptionFailures();
        failures.Range("Chat:RateLimit:PerSecond", options.PerSecond, 0, 1_000_000);
        failures.Range("Chat:RateLimit:Burst", options.Burst, 1, 1_000_000);
        failures.Range("Chat:RateLimit:ReadsPerSecond", options.ReadsPerSecond, 0, 100_000_000);
        failures.Range("Chat:RateLimit:ReadBurst", options.ReadBurst, MessageRules.MaxHistoryLimit, 100_000_000);
        return failures.Result;
    }
}
