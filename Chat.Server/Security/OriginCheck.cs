using Microsoft.Extensions.Options;

namespace Chat.Server.Security;

/// <summary>
/// Refuses hub requests (negotiate and the WebSocket upgrade) from browser pages of other origins, unless
/// <c>Chat:AllowedOrigins</c> lists them. "Other" means not one of <c>Chat:PublicOrigins</c> when that is
/// set; otherwise not the scheme, host and port the request itself names. A request with several Origin
/// headers is refused (a browser sends one). Clients that send no Origin (not browsers) pass.
/// </summary>
internal sealed partial class OriginCheck(RequestDelegate next, IOptions<OriginOptions> options, ILogger<OriginCheck> logger)
{
    private readonly HashSet<string> _allowed = new(options.Value.AllowedOrigins, StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _public = new(options.Value.PublicOrigins, StringComparer.OrdinalIgnoreCase);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments(Hubs.HubExtensions.Path) || HttpMethods.IsOptions(request.Method) || request.Headers.Origin.Count == 0)
        {
            return next(context);
        }

        if (request.Headers.Origin is not [{ Length: > 0 } origin])
        {
            LogRefused(string.Join(", ", request.Headers.Origin.ToArray()));
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return context.Response.WriteAsync("A request may carry one Origin header; this one has several.");
        }

        if (IsOwn(request, origin) || _allowed.Contains(origin))
        {
            return next(context);
        }

        LogRefused(origin);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsync($"Origin {origin} may not connect to this chat server; add it to Chat:AllowedOrigins to allow it.");
    }

    private bool IsOwn(HttpRequest request, string origin) =>
        _public.Count > 0
            ? _public.Contains(origin)
            : string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a hub request from origin {Origin}")]
    private partial void LogRefused(string origin);
}
