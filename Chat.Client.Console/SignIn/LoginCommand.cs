using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Duende.IdentityModel.Client;

namespace Chat.Client.Console.SignIn;

/// <summary>
/// <c>login</c> and <c>logout</c> (SPEC section 13). The server says how it signs in (<c>GET /auth/config</c>): built-in
/// accounts ask for the name and password here; single sign-on uses the device authorization grant (the provider's page,
/// opened on any device, with the code printed here). The sign-in is kept for the server (<see cref="SignInStore"/>).
/// </summary>
internal static class LoginCommand
{
    private static readonly TimeSpan HttpTimeout = TimeSpan.FromSeconds(30);

    public static async Task<int> LoginAsync(Uri server, Terminal terminal, SignInStore store, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = HttpTimeout };
        var config = await http.GetFromJsonAsync<JsonElement>(new Uri(server, "auth/config"), cancellationToken);
        SavedSignIn? signIn = config.GetProperty("mode").GetString() switch
        {
            "accounts" => await WithPasswordAsync(server, http, terminal, cancellationToken),
            "sso" => await WithDeviceAsync(server, config, http, terminal, cancellationToken),
            "token" => Refuse(terminal, $"{server} signs in with tokens it is given: pass one with --token or --token-file."),
            _ => Refuse(terminal, $"{server} has no sign-in: connect with --user NAME."),
        };
        if (signIn is null)
        {
            return ChatCommandLine.Failure;
        }

        store.Save(signIn);
        terminal.Output.WriteLine($"Signed in to {server} as {signIn.User}. Start the client with --url {server} (no --user needed).");
        return ChatCommandLine.Success;
    }

    public static async Task<int> LogoutAsync(Uri server, Terminal terminal, SignInStore store, CancellationToken cancellationToken)
    {
        if (store.Find(server) is not { } signIn)
        {
            terminal.Output.WriteLine($"Not signed in to {server}.");
            return ChatCommandLine.Success;
        }

        // Ended at the server too, where it can be; forgotten here either way.
        if (signIn.Kind == "accounts" && signIn.RefreshToken is { } refreshToken)
        {
            try
            {
                using var http = new HttpClient { Timeout = HttpTimeout };
                using var _ = await http.PostAsJsonAsync(new Uri(server, "auth/logout"), new { refreshToken }, cancellationToken);
            }
            catch (HttpRequestException)
            {
                // The server is away: the sign-in ends when its refresh token expires.
            }
        }

        store.Remove(server);
        terminal.Output.WriteLine($"Signed out of {server}.");
        return ChatCommandLine.Success;
    }

    private static async Task<SavedSignIn?> WithPasswordAsync(Uri server, HttpClient http, Terminal terminal, CancellationToken cancellationToken)
    {
        var name = Ask(terminal, "Name: ", secret: false);
        var password = Ask(terminal, "Password: ", secret: true);
        using var response = await http.PostAsJsonAsync(new Uri(server, "auth/login"), new { name, password, client = "console" }, cancellationToken);
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return Refuse(terminal, Detail(answer, response.StatusCode));
        }

        var signIn = FromAnswer(server, answer, answer.GetProperty("refreshToken").GetString());
        if (answer.GetProperty("mustChangePassword").GetBoolean())
        {
            terminal.Output.WriteLine("The password you were given works once: choose your own (at least 10 characters).");
            var chosen = Ask(terminal, "New password: ", secret: true);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "auth/password")) { Content = JsonContent.Create(new { old = password, @new = chosen }) };
            request.Headers.Authorization = new("Bearer", signIn.AccessToken);
            using var changed = await http.SendAsync(request, cancellationToken);
            var renewed = await changed.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (!changed.IsSuccessStatusCode)
            {
                return Refuse(terminal, Detail(renewed, changed.StatusCode));
            }

            signIn = FromAnswer(server, renewed, signIn.RefreshToken);
        }

        return signIn;
    }

    private static async Task<SavedSignIn?> WithDeviceAsync(Uri server, JsonElement config, HttpClient http, Terminal terminal, CancellationToken cancellationToken)
    {
        var authority = config.GetProperty("authority").GetString()!;
        var clientId = config.GetProperty("clientId").GetString()!;
        var resource = config.TryGetProperty("resource", out var given) && given.ValueKind == JsonValueKind.String ? given.GetString() : null;
        var discovery = await http.GetDiscoveryDocumentAsync(new DiscoveryDocumentRequest
        {
            Address = authority,
            Policy = { RequireHttps = new Uri(authority).Scheme == Uri.UriSchemeHttps || !new Uri(authority).IsLoopback },
        }, cancellationToken);
        if (discovery.IsError)
        {
            return Refuse(terminal, $"the sign-in provider {authority} could not be read: {discovery.Error}");
        }

        // A public client: its id in the body, no Authorization header (the provider refuses one without a secret).
        var request = new DeviceAuthorizationRequest
        {
            Address = discovery.DeviceAuthorizationEndpoint,
            ClientId = clientId,
            ClientCredentialStyle = ClientCredentialStyle.PostBody,
            Scope = config.GetProperty("scopes").GetString(),
        };
        if (resource is not null)
        {
            request.Parameters.Add("resource", resource);
        }

        var device = await http.RequestDeviceAuthorizationAsync(request, cancellationToken);
        if (device.IsError)
        {
            return Refuse(terminal, $"the sign-in provider refused to start a sign-in: {device.ErrorDescription ?? device.Error}");
        }

        terminal.Output.WriteLine($"To sign in, open {device.VerificationUri} in a browser and enter the code {device.UserCode}");
        if (device.VerificationUriComplete is { } complete)
        {
            terminal.Output.WriteLine($"(or open {complete}, which has the code in it).");
        }

        terminal.Output.WriteLine("Waiting for the sign-in to complete...");
        var interval = TimeSpan.FromSeconds(Math.Max(1, device.Interval));
        var deadline = DateTimeOffset.UtcNow.AddSeconds(device.ExpiresIn ?? 600);
        while (DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(interval, cancellationToken);
            var token = await http.RequestDeviceTokenAsync(new DeviceTokenRequest { Address = discovery.TokenEndpoint, ClientId = clientId, ClientCredentialStyle = ClientCredentialStyle.PostBody, DeviceCode = device.DeviceCode! }, cancellationToken);
            if (token.IsError)
            {
                if (token.Error == "authorization_pending")
                {
                    continue;
                }

                if (token.Error == "slow_down")
                {
                    interval += TimeSpan.FromSeconds(5);
                    continue;
                }

                return Refuse(terminal, $"the sign-in did not complete: {token.ErrorDescription ?? token.Error}");
            }

            return new SavedSignIn
            {
                Server = server.ToString(),
                Kind = "sso",
                User = NameIn(token.AccessToken!, config.TryGetProperty("nameClaim", out var claim) ? claim.GetString() ?? "preferred_username" : "preferred_username"),
                AccessToken = token.AccessToken!,
                ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(token.ExpiresIn),
                RefreshToken = token.RefreshToken,
                TokenEndpoint = discovery.TokenEndpoint,
                ClientId = clientId,
            };
        }

        return Refuse(terminal, "the sign-in code expired before it was used; run login again.");
    }

    private static SavedSignIn FromAnswer(Uri server, JsonElement answer, string? refreshToken) => new()
    {
        Server = server.ToString(),
        Kind = "accounts",
        User = answer.GetProperty("user").GetString()!,
        AccessToken = answer.GetProperty("accessToken").GetString()!,
        ExpiresAt = answer.GetProperty("expiresAt").GetDateTimeOffset(),
        RefreshToken = refreshToken,
    };

    /// <summary>The user name in an access token's payload (the server checks the token itself).</summary>
    private static string NameIn(string accessToken, string claim)
    {
        var payload = accessToken.Split('.') is [_, var middle, _] ? System.Buffers.Text.Base64Url.DecodeFromChars(middle) : [];
        using var claims = JsonDocument.Parse(payload);
        return claims.RootElement.TryGetProperty(claim, out var name) ? name.GetString() ?? "" : "";
    }

    /// <summary>Asks for a line; a password is not echoed on a real console.</summary>
    private static string Ask(Terminal terminal, string prompt, bool secret)
    {
        terminal.Output.Write(prompt);
        terminal.Output.Flush();
        if (!secret || !terminal.IsConsole || global::System.Console.IsInputRedirected)
        {
            return terminal.Input.ReadLine()?.Trim() ?? "";
        }

        var typed = new StringBuilder();
        for (var key = global::System.Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = global::System.Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                typed.Length = Math.Max(0, typed.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }

        terminal.Output.WriteLine();
        return typed.ToString();
    }

    private static string Detail(JsonElement problem, HttpStatusCode status) =>
        problem.ValueKind == JsonValueKind.Object && problem.TryGetProperty("detail", out var detail) ? detail.GetString() ?? status.ToString() : $"the server answered {(int)status}";

    private static SavedSignIn? Refuse(Terminal terminal, string why)
    {
        terminal.Error.WriteLine($"error: {why}");
        return null;
    }
}
