using Chat.Server.Accounts;
using Chat.Server.Configuration;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Chat.Server.Security;

internal static class SecurityExtensions
{
    public const string CorsPolicy = "chat";

    /// <summary>JWT bearer auth (on when <c>Chat:Auth:SigningKey</c> is set) and the CORS policy of <c>Chat:AllowedOrigins</c>.</summary>
    public static IHostApplicationBuilder AddChatSecurity(this IHostApplicationBuilder builder)
    {
        // Without a key there is nothing to authenticate: no auth middleware, and no per-request
        // authentication state held for the life of every WebSocket.
        builder.AddChatOptions<AuthOptions, AuthOptionsValidator>(AuthOptions.Section);
        builder.AddChatOptions<ConnectionLimitOptions, ConnectionLimitOptionsValidator>(ConnectionLimitOptions.Section);
        builder.AddChatOptions<OriginOptions, OriginOptionsValidator>(OriginOptions.Section);
        var auth = builder.ChatOptions<AuthOptions>(AuthOptions.Section);
        if (auth.Enabled)
        {
            builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
            builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
                .Configure<IOptions<AuthOptions>, IServiceProvider>((jwt, options, services) => ConfigureJwt(jwt, options.Value, services));
            builder.Services.AddAuthorization();
        }

        builder.AddChatAccounts(auth);

        builder.AddChatConnectionLimits();
        builder.Services.AddSingleton<ConnectionOwners>();
        builder.Services.AddCors();
        builder.Services.AddOptions<CorsOptions>().Configure<IOptions<OriginOptions>>((cors, origins) =>
            cors.AddPolicy(CorsPolicy, policy => policy
                .WithOrigins(origins.Value.AllowedOrigins)
                .AllowCredentials()
                .AllowAnyHeader()
                .WithMethods("GET", "POST")));

        // Behind a reverse proxy listed in Chat:TrustedProxies, take the client's address, scheme and host from its
        // X-Forwarded-* headers; from anyone else (any local process included) they are ignored.
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<OriginOptions>>((forwarded, origins) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var proxy in origins.Value.TrustedProxies)
            {
                forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
        });
        return builder;
    }

    /// <summary>Forwarded headers, CORS, the origin check, the connection limits, authentication, then the connection owner check, in that order.</summary>
    public static WebApplication UseChatSecurity(this WebApplication app)
    {
        var origins = app.Services.GetRequiredService<IOptions<OriginOptions>>().Value;
        if (origins.TrustedProxies.Length > 0)
        {
            app.UseForwardedHeaders();
        }

        // CORS only for listed origins: the middleware resolves its policy provider from the request's services,
        // and that scope would live as long as each WebSocket (about 0.3 KiB per idle connection).
        if (origins.AllowedOrigins.Length > 0)
        {
            app.UseCors();
        }

        app.UseMiddleware<OriginCheck>();

        // The server API's per-bot budgets always; the connection limits when set. An endpoint without a policy (the hub) goes
        // straight through unless a global limit applies: only then do a lease and the middleware's state live as long as each WebSocket.
        app.UseRateLimiter();

        if (app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.Enabled)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        // A long-polling or SSE connection answers only the user who opened it.
        app.UseMiddleware<ConnectionOwnerCheck>();
        return app;
    }

    /// <summary>Requires a valid token on <paramref name="hub"/> when auth is on, and applies the CORS policy when origins are listed.</summary>
    public static void SecureChatHub(this IEndpointConventionBuilder hub, IServiceProvider services)
    {
        if (services.GetRequiredService<IOptions<OriginOptions>>().Value.AllowedOrigins.Length > 0)
        {
            hub.RequireCors(CorsPolicy);
        }

        if (services.GetRequiredService<IOptions<AuthOptions>>().Value.Enabled)
        {
            hub.RequireAuthorization();
        }
    }

    private static void ConfigureJwt(JwtBearerOptions jwt, AuthOptions auth, IServiceProvider services)
    {
        jwt.MapInboundClaims = false;
        if (auth.Mode == SignInMode.SingleSignOn)
        {
            SingleSignOn.Configure(jwt, auth);
        }
        else
        {
            jwt.TokenValidationParameters = ChatTokens.ValidationFor(auth.SigningKey!);
        }

        var revocations = auth.Mode == SignInMode.Accounts ? services.GetRequiredService<SessionRevocations>() : null;

        jwt.Events = new JwtBearerEvents
        {
            OnMessageReceived = context =>
            {
                if (context.Request.Headers.Authorization.ToString().StartsWith("Bearer " + Api.BotsCommand.TokenPrefix, StringComparison.Ordinal))
                {
                    // A bot's token is the server API's scheme's (Api.BotAuthenticationHandler), not a user's JWT: nothing to check here.
                    context.NoResult();
                }
                else if (context.Request.Query["access_token"] is [{ Length: > 0 } token])
                {
                    // WebSockets and server-sent events cannot carry headers from a browser: SignalR sends the token in the query.
                    context.Token = token;
                }

                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                if (auth.Mode == SignInMode.SingleSignOn)
                {
                    // The provider's claims in Chat's terms: the configured claim is the name, the configured role makes an admin.
                    context.Principal = SingleSignOn.AsChatUser(context.Principal!, auth);
                }

                // The name is who the user is: a token without one would connect as a guest that may send under any name.
                if (context.Principal?.FindFirst(ChatTokens.NameClaim)?.Value is not { Length: > 0 })
                {
                    context.Fail($"The token has no '{ChatTokens.NameClaim}' claim; Chat needs the user's name in it.");
                }
                else if (revocations?.IsRevoked(context.Principal!) == true)
                {
                    context.Fail("The token's sign-in was ended (signed out, or the account disabled).");
                }
                else if (context.Principal!.HasClaim(claim => claim.Type == AccountService.PasswordChangeClaim)
                    && !context.Request.Path.Equals("/auth/password", StringComparison.Ordinal))
                {
                    // An account with a one-time password may only change it.
                    context.Fail("The password must be changed first (POST /auth/password).");
                }

                return Task.CompletedTask;
            },
        };
    }
}
