using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A hub connection spoken by hand over plain HTTP, as the long-polling and server-sent-events transports do:
/// negotiate, then requests naming the connection by its token (<c>?id=</c>). Each request may carry a
/// credential of its own, so a test can send what an attacker who learned the token would send.
/// </summary>
internal sealed class RawHttpHub(HttpClient http, string token, string query) : IDisposable
{
    public const char RecordSeparator = '\u001e';

    private Stream? _events;
    private StreamReader? _eventReader;

    /// <summary>The connection token the negotiate gave (what an attacker reads in a proxy log).</summary>
    public string Token { get; } = token;

    /// <summary>Negotiates a connection as the given user: a bearer token with sign-in on, or <c>?user=</c> without.</summary>
    public static async Task<RawHttpHub> NegotiateAsync(Uri server, string? bearer = null, string? user = null)
    {
        var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
        var query = user is null ? "" : $"&user={Uri.EscapeDataString(user)}";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/hubs/chat/negotiate?negotiateVersion=1{query}");
        Authorize(request, bearer);
        using var response = await http.SendAsync(request).DefaultTimeout();
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return new RawHttpHub(http, answer.RootElement.GetProperty("connectionToken").GetString()!, query);
    }

    /// <summary>Long polling: the first poll (which the server answers at once) and the JSON handshake.</summary>
    public async Task StartLongPollingAsync(string? bearer = null)
    {
        (await PollAsync(bearer)).Status.Should().Be(HttpStatusCode.OK);
        (await SendAsync("{\"protocol\":\"json\",\"version\":1}" + RecordSeparator, bearer)).Should().Be(HttpStatusCode.OK);
        (await PollAsync(bearer)).Body.Should().StartWith("{}" + RecordSeparator, "the server accepts the handshake");
    }

    /// <summary>Server-sent events: the event stream, kept open, and the JSON handshake.</summary>
    public async Task StartEventsAsync(string? bearer = null)
    {
        using var request = Request(HttpMethod.Get, bearer);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).DefaultTimeout();
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _events = await response.Content.ReadAsStreamAsync();
        _eventReader = new StreamReader(_events, Encoding.UTF8);
        (await SendAsync("{\"protocol\":\"json\",\"version\":1}" + RecordSeparator, bearer)).Should().Be(HttpStatusCode.OK);
        (await NextEventAsync()).Should().StartWith("{}" + RecordSeparator);
    }

    /// <summary>The next <c>data:</c> payload of the event stream.</summary>
    public async Task<string> NextEventAsync()
    {
        while (await _eventReader!.ReadLineAsync().DefaultTimeout() is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return line["data: ".Length..];
            }
        }

        throw new EndOfStreamException("The event stream ended.");
    }

    /// <summary>A hub invocation (with an id, so a completion comes back), posted with <paramref name="bearer"/> or the given <c>?user=</c>.</summary>
    public Task<HttpStatusCode> InvokeAsync(string id, string target, object?[] arguments, string? bearer = null, string? asUser = null) =>
        SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target, arguments }) + RecordSeparator, bearer, asUser);

    /// <summary>POSTs <paramref name="body"/> on the connection.</summary>
    public async Task<HttpStatusCode> SendAsync(string body, string? bearer = null, string? asUser = null)
    {
        using var request = Request(HttpMethod.Post, bearer, asUser);
        request.Content = new StringContent(body, Encoding.UTF8, "text/plain");
        using var response = await http.SendAsync(request).DefaultTimeout();
        return response.StatusCode;
    }

    /// <summary>One long poll: what the server had for the connection.</summary>
    public async Task<(HttpStatusCode Status, string Body)> PollAsync(string? bearer = null, string? asUser = null)
    {
        using var request = Request(HttpMethod.Get, bearer, asUser);
        using var response = await http.SendAsync(request).DefaultTimeout();
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls until a record containing <paramref name="text"/> arrives; returns every record seen on the way.</summary>
    public async Task<string> PollUntilAsync(string text, string? bearer = null)
    {
        var seen = new StringBuilder();
        while (!seen.ToString().Contains(text, StringComparison.Ordinal))
        {
            var (status, body) = await PollAsync(bearer);
            status.Should().Be(HttpStatusCode.OK, seen.ToString());
            seen.Append(body);
        }

        return seen.ToString();
    }

    /// <summary>A GET on the event stream with another credential: its status alone.</summary>
    public async Task<HttpStatusCode> OpenEventsAsync(string? bearer = null, string? asUser = null)
    {
        using var request = Request(HttpMethod.Get, bearer, asUser);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).DefaultTimeout();
        return response.StatusCode;
    }

    public void Dispose()
    {
        _eventReader?.Dispose();
        _events?.Dispose();
        http.Dispose();
    }

    private HttpRequestMessage Request(HttpMethod method, string? bearer, string? asUser = null)
    {
        var user = asUser is null ? query : $"&user={Uri.EscapeDataString(asUser)}";
        var request = new HttpRequestMessage(method, $"/hubs/chat?id={Uri.EscapeDataString(Token)}{user}");
        Authorize(request, bearer);
        return request;
    }

    private static void Authorize(HttpRequestMessage request, string? bearer)
    {
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
    }
}
