using Chat.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Chat.Server.Api;

/// <summary>The server API's budgets (<c>Chat:Api</c>), per bot token.</summary>
public sealed class ApiOptions
{
    public const string Section = "Chat:Api";

    /// <summary>Sustained requests per second of one bot; 0 turns the budget off.</summary>
    public int RequestsPerSecond { get; set; } = 20;

    /// <summary>Requests one bot may make at once before the sustained rate applies.</summary>
    public int Burst { get; set; } = 100;
}

internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var failures = new OptionFailures();
        failures.Range("Chat:Api:RequestsPerSecond", options.RequestsPerSecond, 0, 1_000_000);
        failures.Range("Chat:Api:Burst", options.Burst, 1, 1_000_000);
        return failures.Result;
    }
}
