using Microsoft.AspNetCore.Mvc;

namespace Chat.Server.Web;

/// <summary>Refusals of the HTTP endpoints (sign-in, files) as problem details (RFC 9457): a short title by status, and a detail that says what to do.</summary>
internal static class Problems
{
    public static IResult Problem(HttpContext http, int status, string detail) =>
        Results.Problem(new ProblemDetails { Status = status, Title = TitleOf(status), Detail = detail, Instance = http.Request.Path });

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request cannot be taken as it is",
        StatusCodes.Status401Unauthorized => "Not signed in",
        StatusCodes.Status403Forbidden => "Not allowed",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status409Conflict => "Conflict",
        StatusCodes.Status405MethodNotAllowed => "Not this method",
        StatusCodes.Status413PayloadTooLarge => "Too large",
        StatusCodes.Status415UnsupportedMediaType => "Not JSON",
        StatusCodes.Status429TooManyRequests => "Too many attempts",
        _ => "Refused",
    };
}
