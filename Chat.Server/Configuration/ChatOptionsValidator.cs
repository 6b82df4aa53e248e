using System.Text;
using Microsoft.Extensions.Options;

namespace Chat.Server.Configuration;

/// <summary>Checks <see cref="ChatOptions"/> at start-up; each failure names the configuration key.</summary>
internal sealed class ChatOptionsValidator(IConfiguration configuration) : IValidateOptions<ChatOptions>
{
    public const int MinSigningKeyBytes = 32;

    public ValidateOptionsResult Validate(string? name, ChatOptions options)
    {
        var failures = new List<string>();

        Require(failures, "Chat:MaxMessageLength", options.MaxMessageLength, 1, 1_000_000);
        Require(failures, "Chat:MaxFrameBytes", options.MaxFrameBytes, 1024, 64L * 1024 * 1024);
        Require(failures, "Chat:RateLimit:PerSecond", options.RateLimit.PerSecond, 0, 1_000_000);
        Require(failures, "Chat:RateLimit:Burst", options.RateLimit.Burst, 1, 1_000_000);
        Require(failures, "Chat:RateLimit:ReadsPerSecond", options.RateLimit.ReadsPerSecond, 0, 100_000_000);
        Require(failures, "Chat:RateLimit:ReadBurst", options.RateLimit.ReadBurst, Rules.MessageRules.MaxHistoryLimit, 100_000_000);
        Require(failures, "Chat:Limits:ConnectionsPerAddress", options.Limits.ConnectionsPerAddress, 0, 10_000_000);
        Require(failures, "Chat:Limits:ConnectsPerSecond", options.Limits.ConnectsPerSecond, 0, 1_000_000);
        Require(failures, "Chat:Limits:ConnectBurst", options.Limits.ConnectBurst, 1, 10_000_000);
        Require(failures, "Chat:Limits:MaxConnections", options.Limits.MaxConnections, 0, 10_000_000);
        Require(failures, "Chat:Rooms:MaxPerUser", options.Rooms.MaxPerUser, 0, 100_000);
        Require(failures, "Chat:Rooms:MaxRooms", options.Rooms.MaxRooms, 0, 100_000_000);
        Require(failures, "Chat:Rooms:CreatePerUserPerDay", options.Rooms.CreatePerUserPerDay, 0, 1_000_000);
        Require(failures, "Chat:Rooms:MaxDirectPerUser", options.Rooms.MaxDirectPerUser, 0, 1_000_000);
        Require(failures, "Chat:Rooms:EmptyRoomDays", options.Rooms.EmptyRoomDays, 1, 36_500);
        Require(failures, "Chat:History:MaxMessages", options.History.MaxMessages, 1, int.MaxValue);
        Require(failures, "Chat:SlowClient:MaxBufferBytes", options.SlowClient.MaxBufferBytes, 64 * 1024, 1L << 30);
        Require(failures, "Chat:SlowClient:MaxTotalBytes", options.SlowClient.MaxTotalBytes, 1024 * 1024, 1L << 40);
        Require(failures, "Chat:SlowClient:WaitMilliseconds", options.SlowClient.WaitMilliseconds, 0, 10_000);
        if (options.SlowClient.MaxStallSeconds is not (> 0 and <= 3600))
        {
            failures.Add($"Chat:SlowClient:MaxStallSeconds must be more than 0 and at most 3600, but is {options.SlowClient.MaxStallSeconds}.");
        }

        if (options.Auth.Enabled && Encoding.UTF8.GetByteCount(options.Auth.SigningKey!) < MinSigningKeyBytes)
        {
            // Never echo the key itself.
            failures.Add($"Chat:Auth:SigningKey must be at least {MinSigningKeyBytes} bytes (UTF-8) long for HS256; it is {Encoding.UTF8.GetByteCount(options.Auth.SigningKey!)}. Use a long random value.");
        }

        foreach (var (key, origins) in new[] { ("Chat:AllowedOrigins", options.AllowedOrigins), ("Chat:PublicOrigins", options.PublicOrigins) })
        {
            foreach (var origin in origins)
            {
                if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || origin.EndsWith('/'))
                {
                    failures.Add($"{key} has '{origin}', which is not an origin; write scheme, host and port only, like https://chat.example.com or http://localhost:8080.");
                }
            }
        }

        foreach (var proxy in options.TrustedProxies)
        {
            if (!System.Net.IPAddress.TryParse(proxy, out _))
            {
                failures.Add($"Chat:TrustedProxies has '{proxy}', which is not an IP address; write the proxy's address, like 127.0.0.1 or 10.0.0.5.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.RedisPrefix) || options.RedisPrefix.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            failures.Add("Chat:RedisPrefix must be a non-empty word without spaces, like chat or chat-staging.");
        }

        // Nodes on separate SQLite files would each number messages from 1: no one order, and every cross-node message lost.
        if (!string.IsNullOrWhiteSpace(options.Redis) && !History.HistoryExtensions.IsPostgres(configuration.GetConnectionString(History.HistoryExtensions.ConnectionStringName) ?? History.HistoryExtensions.DefaultConnectionString))
        {
            failures.Add("Chat:Redis is set, but ConnectionStrings:Chat is a SQLite file: nodes with histories of their own cannot give messages one order. Give every node the same PostgreSQL database in ConnectionStrings:Chat (Host=...), or unset Chat:Redis for one node.");
        }

        // A frame must be able to carry the longest message (UTF-8, JSON-escaped, plus the envelope).
        if (options.MaxFrameBytes < options.MaxMessageLength)
        {
            failures.Add($"Chat:MaxFrameBytes ({options.MaxFrameBytes}) must be at least Chat:MaxMessageLength ({options.MaxMessageLength}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Require(List<string> failures, string key, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{key} must be between {min} and {max}, but is {value}.");
        }
    }
}
