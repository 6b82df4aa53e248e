using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections.Client;

namespace Chat.Client;

/// <summary>Files (docs/hub-contract.md, "Files"): upload over HTTP, then send a message that carries them.</summary>
public sealed partial class ChatClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private HttpClient? _http;

    /// <summary>The HTTP client of uploads, through the same handlers as the hub connection (an in-memory test server's included).</summary>
    private HttpClient Http
    {
        get
        {
            if (_http is null)
            {
                var connection = new HttpConnectionOptions();
                _options.ConfigureHttp?.Invoke(connection);
                HttpMessageHandler handler = new SocketsHttpHandler();
                handler = connection.HttpMessageHandlerFactory?.Invoke(handler) ?? handler;
                _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
            }

            return _http;
        }
    }

    /// <summary>Uploads the file at <paramref name="path"/> under its file name; returns it as the server keeps it, to send with <see cref="SendAsync(string, string, IReadOnlyList{ChatFile}, CancellationToken)"/>.</summary>
    public async Task<ChatFile> UploadAsync(string path, string contentType = "application/octet-stream", CancellationToken cancellationToken = default)
    {
        await using var file = File.OpenRead(path);
        return await UploadAsync(file, Path.GetFileName(path), contentType, cancellationToken);
    }

    /// <summary>
    /// Uploads <paramref name="content"/> (streamed, not read into memory first) as <paramref name="name"/>; returns the file as the
    /// server keeps it. Refusals (too large, over the quota, not signed in) throw <see cref="FileUploadException"/> with the server's sentence.
    /// </summary>
    public async Task<ChatFile> UploadAsync(Stream content, string name, string contentType, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Address("files"));
        request.Content = new StreamContent(content);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-File-Name", Uri.EscapeDataString(name));
        await AuthorizeAsync(request);
        using var response = await Http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new FileUploadException(response.StatusCode, await DetailAsync(response, cancellationToken));
        }

        return (await response.Content.ReadFromJsonAsync<ChatFile>(Json, cancellationToken))!;
    }

    /// <summary>Sends <paramref name="text"/> (may be empty) with <paramref name="files"/> uploaded by this user, as <see cref="SendAsync(string, string, CancellationToken)"/> does.</summary>
    public Task<ChatMessage?> SendAsync(string room, string text, IReadOnlyList<ChatFile> files, CancellationToken cancellationToken = default)
    {
        var draft = new MessageDraft(text, Guid.NewGuid().ToString(), Files: [.. files.Select(file => file.Id)]);
        return ResendUntilAnsweredAsync(() => Hub.Post(room, draft), cancellationToken);
    }

    /// <summary>Where <paramref name="file"/> is served (add the user's token, or <c>?user=</c>, to fetch it).</summary>
    public Uri FileUrl(ChatFile file) => new($"{_options.Server.AbsoluteUri.TrimEnd('/')}/files/{file.Id}/{Uri.EscapeDataString(file.Name)}");

    /// <summary>Fetches a file's bytes with this client's credentials.</summary>
    public async Task<byte[]> DownloadAsync(ChatFile file, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Address($"files/{file.Id}/{Uri.EscapeDataString(file.Name)}"));
        await AuthorizeAsync(request);
        using var response = await Http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>An address under the server's, with <c>?user=</c> when sign-in is off.</summary>
    private Uri Address(string path)
    {
        var address = $"{_options.Server.AbsoluteUri.TrimEnd('/')}/{path}";
        return new Uri(string.IsNullOrEmpty(_options.User) ? address : $"{address}?user={Uri.EscapeDataString(_options.User)}");
    }

    private async Task AuthorizeAsync(HttpRequestMessage request)
    {
        if (_options.AccessTokenProvider is { } tokens && await tokens() is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken);
            return problem.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "";
        }
        catch (JsonException)
        {
            return $"The server answered {(int)response.StatusCode} {response.ReasonPhrase}.";
        }
    }
}

/// <summary>The server refused an upload: <see cref="Status"/> (413: too large or over the quota; 401: not signed in) and its sentence.</summary>
public sealed class FileUploadException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}
