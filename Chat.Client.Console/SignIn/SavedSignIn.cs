using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Duende.IdentityModel.Client;

namespace Chat.Client.Console.SignIn;

/// <summary>
/// A sign-in kept by <c>login</c> for one server: the access token, when it expires, and the refresh token that renews
/// it (built-in accounts through the server's <c>/auth/refresh</c>; single sign-on at the provider's token endpoint).
/// Renewed a minute before it expires, and saved again each time (refresh tokens are spent on use).
/// </summary>
internal sealed class SavedSignIn
{
    /// <summary>The access token is renewed when less than this is left.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    // One renewal at a time in this process (a connect and a reconnect may ask at once): the refresh token is spent by it.
    private static readonly SemaphoreSlim Renewing = new(1, 1);

    public required string Server { get; init; }

    /// <summary><c>accounts</c> or <c>sso</c>.</summary>
    public required string Kind { get; init; }

    public required string User { get; set; }

    public required string AccessToken { get; set; }

    public required DateTimeOffset ExpiresAt { get; set; }

    public string? RefreshToken { get; set; }

    /// <summary>Single sign-on: the provider's token endpoint and the public client to renew as.</summary>
    public string? TokenEndpoint { get; init; }

    public string? ClientId { get; init; }

    [JsonIgnore]
    public SignInStore? Store { get; set; }

    /// <summary>An access token good for a minute at least, renewed first if need be; throws <see cref="SignInEndedException"/> when the sign-in is over.</summary>
    public async Task<string?> AccessTokenAsync()
    {
        await Renewing.WaitAsync();
        try
        {
            if (ExpiresAt - DateTimeOffset.UtcNow > RenewBefore)
            {
                return AccessToken;
            }

            if (RefreshToken is null)
            {
                throw new SignInEndedException(Server);
            }

            using var http = new HttpClient();
            if (Kind == "sso")
            {
                var renewed = await http.RequestRefreshTokenAsync(new RefreshTokenRequest { Address = TokenEndpoint, ClientId = ClientId!, ClientCredentialStyle = ClientCredentialStyle.PostBody, RefreshToken = RefreshToken });
                if (renewed.IsError)
                {
                    throw new SignInEndedException(Server);
                }

                AccessToken = renewed.AccessToken!;
                ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(renewed.ExpiresIn);
                RefreshToken = renewed.RefreshToken ?? RefreshToken;
            }
            else
            {
                using var response = await http.PostAsJsonAsync(new Uri(new Uri(Server), "auth/refresh"), new { refreshToken = RefreshToken });
                if (!response.IsSuccessStatusCode)
                {
                    throw new SignInEndedException(Server);
                }

                var answer = await response.Content.ReadFromJsonAsync<JsonElement>();
                AccessToken = answer.GetProperty("accessToken").GetString()!;
                ExpiresAt = answer.GetProperty("expiresAt").GetDateTimeOffset();
                RefreshToken = answer.GetProperty("refreshToken").GetString();
            }

            Store?.Save(this);
            return AccessToken;
        }
        finally
        {
            Renewing.Release();
        }
    }
}

/// <summary>The saved sign-in cannot be renewed any more (expired, signed out elsewhere, disabled).</summary>
internal sealed class SignInEndedException(string server)
    : Exception($"the sign-in to {server} has ended; sign in again with: login --url {server}");
