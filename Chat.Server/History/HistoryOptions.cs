using Chat.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Chat.Server.History;

/// <summary>How much history is kept (<c>Chat:History</c>).</summary>
public sealed class HistoryOptions
{
    public const string Section = "Chat:History";

    /// <summary>How many of the newest messages the store keeps per conversation.</summary>
    public int MaxMessages { get; set; } = 10_000;
}

internal sealed class HistoryOptionsValidator : IValidateOptions<HistoryOptions>
{
    public ValidateOptionsResult Validate(string? name, HistoryOptions options)
    {
        var failures = new OptionFailures();
        failures.Range("Chat:History:MaxMessages", options.MaxMessages, 1, int.MaxValue);
        return failures.Result;
    }
}
