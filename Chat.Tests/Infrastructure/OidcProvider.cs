using System.Diagnostics;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect provider (the npm <c>oidc-provider</c> under Node, <c>Chat.Tests/Identity/provider.mjs</c>) on
/// loopback, with its own login pages. Its signing keys are made here, so that a test can also sign tokens the provider
/// never issued (another issuer, audience or algorithm, expired) with the key the server trusts.
/// </summary>
internal sealed class OidcProvider : IAsyncDisposable
{
    public const string Audience = "api://chat";
    public const string ClientId = "chat-page";
    public const string AdminRole = "chat-admin";

    private readonly Process _node;
    private readonly List<string> _log = [];

    private OidcProvider(Process node, RsaSecurityKey key)
    {
        _node = node;
        Key = key;
    }

    /// <summary>The issuer, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash, as the provider writes it).</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>The key the provider signs with now.</summary>
    public RsaSecurityKey Key { get; private set; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return string.Join('\n', _log);
            }
        }
    }

    /// <summary>Starts the provider; <paramref name="redirectUris"/> are the page's addresses it may send people back to.</summary>
    public static async Task<OidcProvider> StartAsync(IEnumerable<string> redirectUris, int accessTokenSeconds = 300, params string[] admins)
    {
        Prerequisite.Require(StandardClient.Node, "apt-get install nodejs");
        var key = NewKey("key-1");
        var settings = JsonSerializer.Serialize(new
        {
            audience = Audience,
            clientId = ClientId,
            redirectUris = redirectUris.ToArray(),
            postLogoutRedirectUris = redirectUris.ToArray(),
            keys = new[] { PrivateJwk(key) },
            accessTokenSeconds,
            admins,
            adminRole = AdminRole,
        });
        var start = new ProcessStartInfo(StandardClient.Node)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(Repository.Root, "Chat.Tests", "Identity", "provider.mjs"));
        start.ArgumentList.Add(settings);

        var provider = new OidcProvider(new Process { StartInfo = start }, key);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider._node.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { } text)
            {
                provider.Record(text);
                if (text.StartsWith("listening ", StringComparison.Ordinal))
                {
                    listening.TrySetResult(text["listening ".Length..]);
                }
            }
        };
        provider._node.ErrorDataReceived += (_, line) => provider.Record($"stderr: {line.Data}");
        provider._node.Start();
        provider._node.BeginOutputReadLine();
        provider._node.BeginErrorReadLine();
        try
        {
            provider.Issuer = await listening.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            await provider.DisposeAsync();
            throw new InvalidOperationException($"The OpenID provider did not start:\n{provider.Log}");
        }

        return provider;
    }

    /// <summary>The provider signs with a new key from now on, and publishes only that one (a rotation).</summary>
    public async Task RotateAsync()
    {
        var key = NewKey($"key-{Guid.NewGuid():N}");
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(new Uri(Issuer), "/test/keys"), JsonContent(new { keys = new[] { PrivateJwk(key) } }));
        response.EnsureSuccessStatusCode();
        Key = key;
    }

    /// <summary>
    /// An access token signed with <paramref name="key"/> (the provider's by default), as the provider would issue it,
    /// but with whatever issuer, audience, lifetime and claims the test needs.
    /// </summary>
    public string Token(
        string user, string? issuer = null, string audience = Audience, TimeSpan? lifetime = null, DateTime? issuedAt = null,
        SecurityKey? key = null, string algorithm = SecurityAlgorithms.RsaSha256, params string[] roles)
    {
        var now = issuedAt ?? DateTime.UtcNow;
        var claims = new List<Claim> { new("sub", user), new("preferred_username", user), new("name", $"{user} (display name)") };
        claims.AddRange(roles.Select(role => new Claim("roles", role)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(5)),
            SigningCredentials = new SigningCredentials(key ?? Key, algorithm),
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (!_node.HasExited)
        {
            _node.Kill();
            await _node.WaitForExitAsync();
        }

        _node.Dispose();
    }

    private static RsaSecurityKey NewKey(string id) => new(RSA.Create(2048)) { KeyId = id };

    /// <summary>The key as a private JWK for the provider (RS256 signing).</summary>
    private static Dictionary<string, string> PrivateJwk(RsaSecurityKey key)
    {
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
        return new Dictionary<string, string>
        {
            ["kty"] = "RSA", ["kid"] = key.KeyId, ["alg"] = "RS256", ["use"] = "sig",
            ["n"] = jwk.N, ["e"] = jwk.E, ["d"] = jwk.D, ["p"] = jwk.P, ["q"] = jwk.Q, ["dp"] = jwk.DP, ["dq"] = jwk.DQ, ["qi"] = jwk.QI,
        };
    }

    private static StringContent JsonContent(object value) => new(JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");

    private void Record(string line)
    {
        lock (_log)
        {
            _log.Add(line);
        }
    }
}
