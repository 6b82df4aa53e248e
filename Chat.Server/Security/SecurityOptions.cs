using System.Text;
using Chat.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Chat.Server.Security;

/// <summary>Which sign-in a server runs (SPEC section 13), from the <c>Chat:Auth</c> settings.</summary>
public enum SignInMode
{
    /// <summary>No sign-in: people pick a name (<c>?user=</c>).</summary>
    None,

    /// <summary>HS256 tokens signed with <c>Chat:Auth:SigningKey</c>, minted by the <c>token</c> command or a product's backend.</summary>
    SharedKey,

    /// <summary>Built-in accounts (<c>Chat:Auth:Accounts</c>), whose tokens are signed with the same key.</summary>
    Accounts,

    /// <summary>OpenID Connect single sign-on with the provider at <c>Chat:Auth:Authority</c>.</summary>
    SingleSignOn,
}

/// <summary>Sign-in (<c>Chat:Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string Section = "Chat:Auth";

    public const int MinSigningKeyBytes = 32;

    /// <summary>HS256 key (its UTF-8 bytes, at least 32); when set, every connection needs a token.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Built-in accounts, signed in over <c>/auth/*</c> (needs <see cref="SigningKey"/> for the tokens they get).</summary>
    public bool Accounts { get; set; }

    /// <summary>Anyone may register an account, without an invite.</summary>
    public bool OpenRegistration { get; set; }

    /// <summary>How long an account's access token lives; the page and the console renew it before.</summary>
    public int AccessTokenMinutes { get; set; } = 15;

    /// <summary>How long a refresh token lives unused (each use gives a new one).</summary>
    public int RefreshTokenDays { get; set; } = 30;

    /// <summary>The OpenID Connect provider's issuer URL; when set, sign-in is single sign-on with it.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience the provider's access tokens must name (this API).</summary>
    public string? Audience { get; set; }

    /// <summary>The public client the page and the console sign in as.</summary>
    public string? ClientId { get; set; }

    /// <summary>The claim of the provider's access token that holds the user name.</summary>
    public string NameClaim { get; set; } = "preferred_username";

    /// <summary>The role (in claim <c>roles</c> or <c>role</c>) that makes a user an admin.</summary>
    public string AdminRole { get; set; } = "chat-admin";

    /// <summary>The scopes the page and the console ask the provider for.</summary>
    public string Scopes { get; set; } = "openid profile offline_access";

    /// <summary>Sent as the <c>resource</c> parameter when set, for providers that issue access tokens per API.</summary>
    public string? Resource { get; set; }

    public SignInMode Mode =>
        !string.IsNullOrEmpty(Authority) ? SignInMode.SingleSignOn
        : Accounts ? SignInMode.Accounts
        : !string.IsNullOrEmpty(SigningKey) ? SignInMode.SharedKey
        : SignInMode.None;

    public bool Enabled => Mode != SignInMode.None;

    /// <summary>The server checks HS256 tokens signed with <see cref="SigningKey"/> (minted, or issued to accounts).</summary>
    public bool SignsTokens => Mode is SignInMode.SharedKey or SignInMode.Accounts;
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

    /// <summary>
    /// Open hub connections of one user on this server (a person's tabs and devices). More would multiply what every
    /// message to them costs: one user with 400 connections made each message in <c>general</c> cost 400 writes.
    /// </summary>
    public int ConnectionsPerUser { get; set; } = 20;

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
        var hasKey = !string.IsNullOrEmpty(options.SigningKey);
        if (hasKey && Encoding.UTF8.GetByteCount(options.SigningKey!) < AuthOptions.MinSigningKeyBytes)
        {
            // Never echo the key itself.
            failures.Add($"Chat:Auth:SigningKey must be at least {AuthOptions.MinSigningKeyBytes} bytes (UTF-8) long for HS256; it is {Encoding.UTF8.GetByteCount(options.SigningKey!)}. Use a long random value.");
        }

        if (!string.IsNullOrEmpty(options.Authority))
        {
            if (options.Accounts)
            {
                failures.Add("Chat:Auth:Authority (single sign-on) and Chat:Auth:Accounts (built-in accounts) are both set; choose one of the two.");
            }

            if (hasKey)
            {
                failures.Add("Chat:Auth:Authority (single sign-on) and Chat:Auth:SigningKey (minted tokens) are both set; with single sign-on the provider's keys sign the tokens. Remove one of the two.");
            }

            if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            {
                failures.Add($"Chat:Auth:Authority is '{options.Authority}', which is not an https:// address; write the provider's issuer URL, like https://login.example.com/realms/team.");
            }
            else if (authority.Scheme == "http" && !authority.IsLoopback)
            {
                failures.Add($"Chat:Auth:Authority is '{options.Authority}'; an http:// provider is accepted on a loopback address only (development). Use its https:// address.");
            }

            if (string.IsNullOrEmpty(options.Audience))
            {
                failures.Add("Chat:Auth:Audience is not set; with Chat:Auth:Authority, set the audience the provider puts in access tokens for Chat (its client id or API identifier).");
            }

            if (string.IsNullOrEmpty(options.ClientId))
            {
                failures.Add("Chat:Auth:ClientId is not set; with Chat:Auth:Authority, set the public client the page and the console sign in as.");
            }
        }
        else if (options.Accounts && !hasKey)
        {
            failures.Add($"Chat:Auth:Accounts needs Chat:Auth:SigningKey (at least {AuthOptions.MinSigningKeyBytes} bytes) to sign the tokens it gives to accounts; set both.");
        }

        failures.Range("Chat:Auth:AccessTokenMinutes", options.AccessTokenMinutes, 1, 24 * 60);
        failures.Range("Chat:Auth:RefreshTokenDays", options.RefreshTokenDays, 1, 365);
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
        failures.Range("Chat:Limits:ConnectionsPerUser", options.ConnectionsPerUser, 0, 100_000);
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
