using Chat.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Chat.Server.Security;

/// <summary>
/// Refuses hub requests (negotiate and the WebSocket upgrade) from browser pages of other origins,
/// unless <c>Chat:AllowedOrigins</c> lists them. Clients that send no Origin (not browsers) pass.
/// </summary>
internal sealed partial class OriginCheck(RequestDelegate next, IOptions<ChatOptions> options, ILogger<OriginCheck> logger)
{
    private readonly HashSet<string> _allowed = new(options.Value.AllowedOrigins, StringComparer.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments(Hubs.HubExtensions.Path)
            || HttpMethods.IsOptions(request.Method)
            || request.Headers.Origin is not [{ Length: > 0 } origin]
            || IsSameOrigin(request, origin)
            || _allowed.Contains(origin))
        {
            return next(context);
        }

        LogRefused(origin);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsync($"Origin {origin} may not connect to this chat server; add it to Chat:AllowedOrigins to allow it.");
    }

    private static bool IsSameOrigin(HttpRequest request, string origin) =>
        string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a hub request from origin {Origin}")]
    private partial void LogRefused(string origin);
}
