using System.Text;
using Chat.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Chat.Server.Security;

/// <summary>Sign-in (<c>Chat:Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "Chat:Auth";

    public const int MinSigningKeyBytes = 32;

    /// <summary>HS256 key (its UTF-8 bytes, at least 32); when set, every connection needs a token.</summary>
    public string? SigningKey { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(SigningKey);
}

/// <summary>Connection limits per client address (the forwarded one behind a trusted proxy) and per server (<c>Chat:Limits</c>); 0 turns one off.</summary>
public sealed class ConnectionLimitOptions
{
    public const string Section = "Chat:Limits";

    /// <summary>Open hub connections from one address (an office behind one NAT may need many).</summary>
    public int ConnectionsPerAddress { get; set; } = 1000;

    /// <summary>New hub connections per second from one address, after a burst of <see cref="ConnectBurst"/>.</summary>
    public int ConnectsPerSecond { get; set; } = 100;

    public int ConnectBurst { get; set; } = 500;

    /// <summary>Open hub connections on this server.</summary>
    public int MaxConnections { get; set; } = 50_000;

    /// <summary>At least one of the limits is on.</summary>
    public bool Any => ConnectionsPerAddress > 0 || ConnectsPerSecond > 0 || MaxConnections > 0;
}

/// <summary>Which browsers and proxies the server believes: the <c>Chat</c> section's origin and proxy keys.</summary>
public sealed class OriginOptions
{
    public const string Section = "Chat";

    /// <summary>Browser origins, besides the server's own, allowed to connect (CORS with credentials).</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>
    /// The origins users reach this server at (e.g. https://chat.example.com). When set, they are "the server's
    /// own" for the origin check, instead of whatever Host a request claims (a DNS-rebinding page claims its own).
    /// </summary>
    public string[] PublicOrigins { get; set; } = [];

    /// <summary>Addresses of reverse proxies whose X-Forwarded-For/Proto/Host headers are trusted; none by default.</summary>
    public string[] TrustedProxies { get; set; } = [];
}

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new OptionFailures();
        if (options.Enabled && Encoding.UTF8.GetByteCount(options.SigningKey!) < AuthOptions.MinSigningKeyBytes)
        {
            // Never echo the key itself.
            failures.Add($"Chat:Auth:SigningKey must be at least {AuthOptions.MinSigningKeyBytes} bytes (UTF-8) long for HS256; it is {Encoding.UTF8.GetByteCount(options.SigningKey!)}. Use a long random value.");
        }

        return failures.Result;
    }
}

internal sealed class ConnectionLimitOptionsValidator : IValidateOptions<ConnectionLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, ConnectionLimitOptions options)
    {
        var failures = new OptionFailures();
        failures.Range("Chat:Limits:ConnectionsPerAddress", options.ConnectionsPerAddress, 0, 10_000_000);
        failures.Range("Chat:Limits:ConnectsPerSecond", options.ConnectsPerSecond, 0, 1_000_000);
        failures.Range("Chat:Limits:ConnectBurst", options.ConnectBurst, 1, 10_000_000);
        failures.Range("Chat:Limits:MaxConnections", options.MaxConnections, 0, 10_000_000);
        return failures.Result;
    }
}

internal sealed class OriginOptionsValidator : IValidateOptions<OriginOptions>
{
    public ValidateOptionsResult Validate(string? name, OriginOptions options)
    {
        var failures = new OptionFailures();
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

        return failures.Result;
    }
}
