using System.Buffers.Text;
using System.Text.Json;

namespace Chat.Client.Console;

/// <summary>Where and as whom to connect.</summary>
/// <param name="Server">The server's base address, e.g. <c>http://localhost:5000</c>.</param>
/// <param name="User">The name to connect as (listed online); null or empty connects as a guest.</param>
/// <param name="Token">A JWT for servers with authentication on.</param>
/// <param name="TokenFile">A file holding the JWT, read again at every connect and reconnect, so a token can be renewed while connected.</param>
internal sealed record ChatEndpoint(Uri Server, string? User, string? Token = null, string? TokenFile = null)
{
    /// <summary>A sign-in kept by <c>login</c> for this server, whose tokens are renewed as they run out.</summary>
    public SignIn.SavedSignIn? SignIn { get; init; }

    public bool HasToken => !string.IsNullOrEmpty(Token) || TokenFile is not null || SignIn is not null;

    /// <summary>The token may be another at the next reconnect (a file, or a renewed sign-in), so a 401 is worth retrying.</summary>
    public bool TokenCanChange => TokenFile is not null || SignIn is not null;

    /// <summary>
    /// A client for this endpoint. The token is asked at every connect and reconnect: with <c>--token-file</c>, a renewed
    /// token is used as soon as it is there. <paramref name="transport"/> adjusts the HTTP options (tests route it in memory).
    /// </summary>
    public ChatClient Client(bool follow, Microsoft.AspNetCore.SignalR.Client.IRetryPolicy? reconnect = null, Action<Microsoft.AspNetCore.Http.Connections.Client.HttpConnectionOptions>? transport = null) =>
        ChatClient.Create(new ChatClientOptions
        {
            Server = Server,
            User = User,
            AccessTokenProvider = SignIn is { } signIn ? signIn.AccessTokenAsync : HasToken ? () => Task.FromResult(CurrentToken()) : null,
            ReconnectPolicy = reconnect,
            Follow = follow,
            ConfigureHttp = transport,
        });

    /// <summary>The same server and token with no name: for one-shot calls that should not show as a join and a leave.</summary>
    public ChatEndpoint AsGuest() => this with { User = null };

    /// <summary>The token to connect with now: <see cref="Token"/>, or what <see cref="TokenFile"/> holds at this moment.</summary>
    public string? CurrentToken()
    {
        if (SignIn is not null)
        {
            return SignIn.AccessToken;
        }

        if (TokenFile is null)
        {
            return Token;
        }

        try
        {
            return File.ReadAllText(TokenFile).Trim();
        }
        catch (IOException)
        {
            return null; // the server answers 401, and the reconnect policy tries again a while
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True when the current token has an expiry (<c>exp</c>) that has passed; the server checks the token itself.</summary>
    public bool TokenExpired(DateTimeOffset now)
    {
        var parts = CurrentToken()?.Split('.');
        if (parts is not { Length: 3 })
        {
            return false;
        }

        try
        {
            using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
            return claims.RootElement.TryGetProperty("exp", out var exp) && exp.TryGetInt64(out var seconds)
                && DateTimeOffset.FromUnixTimeSeconds(seconds) <= now;
        }
        catch (Exception error) when (error is FormatException or JsonException)
        {
            return false;
        }
    }
}
