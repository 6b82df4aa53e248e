using System.Threading.RateLimiting;
using Chat.Server.Accounts;
using Chat.Server.Configuration;
using Chat.Server.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Chat.Server.Api;

/// <summary>The server API's parts from the framework: the bot authentication scheme, one policy per scope, the per-bot rate limit, problem details and the OpenAPI document.</summary>
internal static class ApiExtensions
{
    public const string RatePolicy = "bot";

    public const string AnyBotPolicy = "bot:any";

    public static string ScopePolicy(string scope) => "bot:" + scope;

    public static IHostApplicationBuilder AddChatApi(this IHostApplicationBuilder builder)
    {
        builder.AddChatOptions<ApiOptions, ApiOptionsValidator>(ApiOptions.Section);
        builder.Services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, BotAuthenticationHandler>(BotAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(authorization =>
        {
            authorization.AddPolicy(AnyBotPolicy, policy => policy.AddAuthenticationSchemes(BotAuthenticationHandler.SchemeName).RequireClaim(BotAuthenticationHandler.BotClaim));
            foreach (var scope in BotScopes.All)
            {
                authorization.AddPolicy(
                    ScopePolicy(scope), policy => policy.AddAuthenticationSchemes(BotAuthenticationHandler.SchemeName).RequireClaim(BotAuthenticationHandler.BotClaim).RequireClaim(BotScopes.Claim, scope));
            }
        });

        // Each bot token has its own budget (partitioned by the token's hash, before any store read): a token bucket.
        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy(RatePolicy, new BotRequestPolicy()));

        builder.Services.AddOpenApi("v1", openApi =>
        {
            openApi.ShouldInclude = description => description.RelativePath?.StartsWith(ApiEndpoints.Prefix[1..], StringComparison.Ordinal) == true;
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Chat server API",
                    Version = "v1",
                    Description = "For products and bots: rooms, members and messages. Authenticate with a bot token (Authorization: Bearer TOKEN) from `bots add NAME --scopes ...`.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["bot"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A bot token (chatbot_...).",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bot", document)] = [] });
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    /// <summary>The per-bot budget (<c>Chat:Api:*</c>), and its refusal as a problem.</summary>
    private sealed class BotRequestPolicy : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, _) =>
        {
            var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
            context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.HttpContext.Response.Headers.RetryAfter = "1";
            await Problems.Problem(
                    context.HttpContext,
                    StatusCodes.Status429TooManyRequests,
                    $"This bot made more than {options.RequestsPerSecond} requests a second (bursts of {options.Burst}; Chat:Api:RequestsPerSecond, Chat:Api:Burst); try again in a second.")
                .ExecuteAsync(context.HttpContext);
        };

        public RateLimitPartition<string> GetPartition(HttpContext http)
        {
            var options = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
            if (options.RequestsPerSecond == 0)
            {
                return RateLimitPartition.GetNoLimiter("off");
            }

            var key = http.Request.Headers.Authorization.ToString() is { Length: > 0 } credentials
                ? Secrets.Hash(credentials)
                : http.Connection.RemoteIpAddress?.ToString() ?? "";
            return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.Burst,
                TokensPerPeriod = options.RequestsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }
    }

    private static string EmptyAnswer(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request cannot be read: its body is not the JSON this route takes, or a parameter has the wrong type (see /openapi/v1.json).",
        StatusCodes.Status404NotFound => "There is no such route; the routes are listed in /openapi/v1.json.",
        StatusCodes.Status405MethodNotAllowed => "This route does not take that method; see /openapi/v1.json.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON (Content-Type: application/json).",
        _ => "The request was refused.",
    };

    /// <summary>The routes, their OpenAPI document at <c>/openapi/v1.json</c>, and problem details for whatever else goes wrong under <c>/api</c>.</summary>
    public static WebApplication MapChatApi(this WebApplication app)
    {
        // Under /api only: the hub's requests keep no authorization state (without sign-in there is none to keep), and what the
        // framework answers with an empty body (a body that is not JSON, a route that is not there) becomes a problem too.
        var signIn = app.Services.GetRequiredService<IOptions<Security.AuthOptions>>().Value.Enabled;
        app.UseWhen(
            http => http.Request.Path.StartsWithSegments("/api"),
            api =>
            {
                api.UseStatusCodePages(context => Problems.Problem(context.HttpContext, context.HttpContext.Response.StatusCode, EmptyAnswer(context.HttpContext.Response.StatusCode))
                    .ExecuteAsync(context.HttpContext));
                if (!signIn)
                {
                    api.UseAuthorization();
                }
            });
        app.MapOpenApi("/openapi/{documentName}.json");
        ApiEndpoints.MapChatApi(app);
        return app;
    }
}
