using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Client.Console;

/// <summary>Turns a failure into the one line a user reads: the hub's own sentence, or why the server is out of reach.</summary>
internal static partial class ErrorText
{
    // SignalR wraps the hub's sentence, e.g. "An unexpected error occurred invoking 'SendMessage' on the server. HubException: ...".
    private const string HubExceptionMarker = "HubException: ";

    // How SignalR reports a connection the server closed for a protocol reason, e.g. a frame over the size limit.
    private const string ClosedMarker = "Connection closed with an error. ";

    public static string Describe(Exception exception, Uri server, ChatEndpoint? endpoint = null) => exception switch
    {
        HubException hub => HubSentence(hub.Message),
        HttpRequestException { StatusCode: HttpStatusCode.Unauthorized } when endpoint?.SignIn is not null =>
            $"{server} refused the kept sign-in (401); sign in again with: login --url {server}",
        HttpRequestException { StatusCode: HttpStatusCode.Unauthorized } when endpoint?.TokenExpired(DateTimeOffset.UtcNow) == true =>
            endpoint.TokenFile is null
                ? $"token expired: {server} refused it (401); get a new one and pass it with --token (or keep it in a file: --token-file)."
                : $"token expired: {server} refused it (401); write a new one to {endpoint.TokenFile} and start again.",
        HttpRequestException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } http =>
            $"{server} refused the connection ({(int)http.StatusCode!}); pass a valid --token.",
        HttpRequestException { StatusCode: { } status } =>
            $"cannot connect to {server}: it answered {(int)status} ({status}); is it a Chat server?",
        HttpRequestException or WebSocketException or SocketException =>
            $"cannot reach {server}: {Innermost(exception).Message}",
        TaskCanceledException when exception.Message.Contains("connection being closed", StringComparison.Ordinal) =>
            "the connection closed before the server answered.",
        InvalidOperationException when exception.Message.Contains("connection is not active", StringComparison.Ordinal) =>
            "not connected to the server right now; try again once it is back.",
        _ => HubSentence(exception.Message),
    };

    /// <summary>The server's sentence without the SignalR prefix before it.</summary>
    public static string HubSentence(string message)
    {
        var marker = message.LastIndexOf(HubExceptionMarker, StringComparison.Ordinal);
        if (marker >= 0)
        {
            return message[(marker + HubExceptionMarker.Length)..];
        }

        var closed = message.IndexOf(ClosedMarker, StringComparison.Ordinal);
        return closed < 0 ? message : "the server closed the connection: " + ExceptionName().Replace(message[(closed + ClosedMarker.Length)..], "", 1);
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }

    [GeneratedRegex(@"^[A-Za-z.]*Exception: ")]
    private static partial Regex ExceptionName();
}
