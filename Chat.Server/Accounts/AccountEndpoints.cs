using System.Globalization;
using System.Text.Json;
using Chat.Server.History;
using Chat.Server.Security;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using static Chat.Server.Web.Problems;

namespace Chat.Server.Accounts;

/// <summary>
/// <c>/auth/*</c> (SPEC section 13): JSON in, JSON out, errors as problem details with a sentence saying what to do.
/// The page keeps its refresh token in an HttpOnly, SameSite=Strict cookie (Secure on https) scoped to <c>/auth</c>;
/// the console asks for it in the body (<c>"client": "console"</c>) and sends it back there.
/// </summary>
internal static class AccountEndpoints
{
    public const string RefreshCookie = "chat_refresh";

    /// <summary>The rate limiting policy of the requests that check a password (per address).</summary>
    public const string PasswordPolicy = "auth-passwords";

    /// <summary>No body of these routes needs more.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapChatAccounts(this IEndpointRouteBuilder endpoints)
    {
        var auth = endpoints.ServiceProvider.GetRequiredService<IOptions<AuthOptions>>().Value;
        var group = endpoints.MapGroup("/auth");

        // Which sign-in this server runs, for the page (public).
        group.MapGet("/config", () => Results.Json(SignInConfig.Of(auth), Json));
        if (auth.Mode != SignInMode.Accounts)
        {
            return endpoints;
        }

        group.MapPost("/register", async (HttpContext http, AccountService accounts) =>
        {
            if (await ReadAsync<RegisterRequest>(http) is not { } request)
            {
                return BodyProblem(http, """{"name": "...", "password": "...", "invite": "..."}""");
            }

            return Answer(http, await accounts.RegisterAsync(request.Name, request.Password, request.Invite), request.Client);
        }).RequireRateLimiting(PasswordPolicy);

        group.MapPost("/login", async (HttpContext http, AccountService accounts) =>
        {
            if (await ReadAsync<LoginRequest>(http) is not { } request)
            {
                return BodyProblem(http, """{"name": "...", "password": "..."}""");
            }

            return Answer(http, await accounts.LoginAsync(request.Name, request.Password, AddressOf(http)), request.Client);
        }).RequireRateLimiting(PasswordPolicy);

        group.MapPost("/refresh", async (HttpContext http, AccountService accounts) =>
        {
            var (token, client) = await RefreshTokenOf(http);
            var answer = await accounts.RefreshAsync(token);
            if (answer.Status == StatusCodes.Status401Unauthorized && client is null)
            {
                ForgetCookie(http);
            }

            return Answer(http, answer, client);
        });

        group.MapPost("/logout", async (HttpContext http, AccountService accounts) =>
        {
            var (token, _) = await RefreshTokenOf(http);
            await accounts.LogoutAsync(token);
            ForgetCookie(http);
            return Results.NoContent();
        });

        group.MapPost("/password", async (HttpContext http, AccountService accounts) =>
        {
            if (await ReadAsync<PasswordRequest>(http) is not { } request)
            {
                return BodyProblem(http, """{"old": "...", "new": "..."}""");
            }

            return Answer(http, await accounts.ChangePasswordAsync(http.User, request.Old, request.New), client: "console");
        }).RequireAuthorization().RequireRateLimiting(PasswordPolicy);

        group.MapPost("/invites", async (HttpContext http, AccountService accounts) =>
        {
            var request = await ReadAsync<InviteRequest>(http) ?? new InviteRequest(null, null);
            var uses = request.Uses ?? 1;
            var days = request.Days ?? 7;
            if (uses is < 1 or > 1000 || days is < 1 or > 365)
            {
                return Problem(http, StatusCodes.Status400BadRequest, "An invite is good for 1 to 1000 registrations (uses) within 1 to 365 days (days).");
            }

            var (code, expiresAt) = await accounts.InviteAsync(uses, days);
            return Results.Json(new { code, uses, expiresAt }, Json);
        }).RequireAuthorization(policy => policy.RequireRole(ChatTokens.AdminRole));

        return endpoints;
    }

    /// <summary>The body as <typeparamref name="T"/>, or null when it is not JSON of that shape (or is too large).</summary>
    private static async Task<T?> ReadAsync<T>(HttpContext http)
        where T : class
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = MaxBodyBytes;
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, Json, http.RequestAborted);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult BodyProblem(HttpContext http, string shape) =>
        http.Response.HasStarted
            ? Results.Empty
            : Problem(http, StatusCodes.Status400BadRequest, $"The body must be JSON like {shape}, at most {MaxBodyBytes / 1024} KiB.");

    /// <summary>The refresh token from the body (<c>{"refreshToken": ...}</c>, the console's way) or the cookie (the page's).</summary>
    private static async Task<(string? Token, string? Client)> RefreshTokenOf(HttpContext http)
    {
        if (http.Request.ContentLength is > 0 || http.Request.Headers.TransferEncoding.Count > 0)
        {
            if (await ReadAsync<RefreshRequest>(http) is { RefreshToken: { } fromBody })
            {
                return (fromBody, "console");
            }
        }

        return (http.Request.Cookies[RefreshCookie], null);
    }

    private static IResult Answer(HttpContext http, AuthAnswer answer, string? client)
    {
        if (answer.Issued is not { } issued)
        {
            if (answer.RetryAfter is { } retryAfter)
            {
                http.Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }

            return Problem(http, answer.Status, answer.Problem!);
        }

        var console = client == "console";
        if (!console && issued.RefreshToken is { } cookie)
        {
            http.Response.Cookies.Append(RefreshCookie, cookie, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = http.Request.IsHttps,
                Path = "/auth",
                Expires = issued.RefreshExpiresAt,
                IsEssential = true,
            });
        }

        return Results.Json(
            new SignedIn(issued.AccessToken, issued.ExpiresAt, issued.User, issued.Admin, issued.MustChangePassword, console ? issued.RefreshToken : null),
            Json);
    }

    private static void ForgetCookie(HttpContext http) =>
        http.Response.Cookies.Delete(RefreshCookie, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/auth" });

    /// <summary>The client's address (the forwarded one behind a trusted proxy).</summary>
    public static string AddressOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private sealed record LoginRequest(string? Name, string? Password, string? Client);

    private sealed record RegisterRequest(string? Name, string? Password, string? Invite, string? Client);

    private sealed record RefreshRequest(string? RefreshToken);

    private sealed record PasswordRequest(string? Old, string? New);

    private sealed record InviteRequest(int? Uses, int? Days);

    private sealed record SignedIn(string AccessToken, DateTime ExpiresAt, string User, bool Admin, bool MustChangePassword,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? RefreshToken);
}

/// <summary>What the page needs to know to sign in (<c>GET /auth/config</c>): the mode and, for single sign-on, the provider.</summary>
internal sealed record SignInConfig(string Mode, bool OpenRegistration, string? Authority, string? ClientId, string? Scopes, string? Resource, string? NameClaim)
{
    public static SignInConfig Of(AuthOptions auth) => auth.Mode switch
    {
        SignInMode.SingleSignOn => new("sso", false, auth.Authority, auth.ClientId, auth.Scopes, auth.Resource, auth.NameClaim),
        SignInMode.Accounts => new("accounts", auth.OpenRegistration, null, null, null, null, null),
        SignInMode.SharedKey => new("token", false, null, null, null, null, null),
        _ => new("none", false, null, null, null, null, null),
    };
}
