using System.Security.Claims;
using System.Text.Encodings.Web;
using Chat.Server.Accounts;
using Chat.Server.History;
using Chat.Server.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Chat.Server.Api;

/// <summary>
/// The framework's authentication, with a scheme of our own for bot tokens (<c>Authorization: Bearer chatbot_...</c>): the token's
/// SHA-256 is looked up in the store on every request, so a revoked token is refused at once on every node. A bot's principal has
/// the bot's name as <c>name</c> (as a user's token does), one <c>scope</c> claim per scope, and <c>bot</c>. Refusals are problem
/// details (401 without a valid token, 403 without the route's scope).
/// </summary>
internal sealed class BotAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IHistoryStore store)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bot";

    public const string BotClaim = "bot";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Headers.Authorization.ToString() is not ['B', 'e', 'a', 'r', 'e', 'r', ' ', .. var token] || !token.StartsWith(BotsCommand.TokenPrefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }

        var bot = await store.BotByTokenAsync(Secrets.Hash(token.Trim()), Context.RequestAborted);
        if (bot is null)
        {
            return AuthenticateResult.Fail("The bot token is not known.");
        }

        if (bot.Revoked)
        {
            return AuthenticateResult.Fail("The bot's token was revoked.");
        }

        var claims = new List<Claim> { new(ChatTokens.NameClaim, bot.Name), new(BotClaim, "true") };
        claims.AddRange(bot.Scopes.Select(scope => new Claim(BotScopes.Claim, scope)));
        var identity = new ClaimsIdentity(claims, SchemeName, ChatTokens.NameClaim, ChatTokens.RoleClaim);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.Headers.WWWAuthenticate = "Bearer";
        await WriteProblemAsync(
            StatusCodes.Status401Unauthorized,
            failure is null
                ? "This route needs a bot token: send Authorization: Bearer TOKEN, with a token from `bots add NAME --scopes ...` on the server."
                : $"{failure} Ask the server's admin for a token (`bots add NAME --scopes ...`).");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblemAsync(StatusCodes.Status403Forbidden, $"The bot's token lacks the scope this route needs ({Context.GetEndpoint()?.Metadata.GetMetadata<ScopeNeeded>()?.Scope ?? "see /openapi/v1.json"}); add a bot with it.");

    private Task WriteProblemAsync(int status, string detail)
    {
        Response.StatusCode = status;
        return Results.Problem(new ProblemDetails { Status = status, Title = status == 401 ? "Not signed in" : "Not allowed", Detail = detail, Instance = Request.Path })
            .ExecuteAsync(Context);
    }
}

/// <summary>Endpoint metadata: the scope a route needs (for the 403's sentence).</summary>
internal sealed record ScopeNeeded(string Scope);
