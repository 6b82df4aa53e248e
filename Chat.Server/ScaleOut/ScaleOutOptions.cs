using Chat.Server.Configuration;
using Chat.Server.History;
using Microsoft.Extensions.Options;

namespace Chat.Server.ScaleOut;

/// <summary>Several nodes on one Redis: the <c>Chat</c> section's Redis keys.</summary>
public sealed class ScaleOutOptions
{
    public const string Section = "Chat";

    /// <summary>A Redis connection string; when set, nodes share messages and presence through it (scale-out).</summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis channel and key Chat uses, so several deployments can share one Redis.</summary>
    public string RedisPrefix { get; set; } = "chat";

    public bool Enabled => !string.IsNullOrWhiteSpace(Redis);
}

internal sealed class ScaleOutOptionsValidator(IConfiguration configuration) : IValidateOptions<ScaleOutOptions>
{
    public ValidateOptionsResult Validate(string? name, ScaleOutOptions options)
    {
        var failures = new OptionFailures();
        if (string.IsNullOrWhiteSpace(options.RedisPrefix) || options.RedisPrefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            failures.Add("Chat:RedisPrefix must be a non-empty word without spaces, like chat or chat-staging.");
        }

        // Nodes on separate SQLite files would each number messages from 1: no one order, and every cross-node message lost.
        if (options.Enabled && !HistoryExtensions.IsPostgres(HistoryExtensions.ConnectionString(configuration)))
        {
            failures.Add("Chat:Redis is set, but ConnectionStrings:Chat is a SQLite file: nodes with histories of their own cannot give messages one order. Give every node the same PostgreSQL database in ConnectionStrings:Chat (Host=...), or unset Chat:Redis for one node.");
        }

        return failures.Result;
    }
}
