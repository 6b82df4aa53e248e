using System.Buffers.Binary;
using System.Net.Http.Headers;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Files;

/// <summary>Files the tests upload (headers of real formats, made here), and the app and requests they use.</summary>
internal static class FileSamples
{
    /// <summary>A PNG header: signature and IHDR of a <paramref name="width"/> × <paramref name="height"/> image, then filler.</summary>
    public static byte[] Png(int width, int height)
    {
        var bytes = new byte[64];
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(bytes, 0);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), 13);
        "IHDR"u8.CopyTo(bytes.AsSpan(12));
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(16), (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(20), (uint)height);
        return bytes;
    }

    public static byte[] Gif(int width, int height)
    {
        var bytes = new byte[32];
        "GIF89a"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)width);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)height);
        return bytes;
    }

    /// <summary>A JPEG with an APP0 and an APP1 segment before its SOF2 frame header, as cameras write them.</summary>
    public static byte[] Jpeg(int width, int height)
    {
        var bytes = new List<byte> { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10 };
        bytes.AddRange(new byte[14]);
        bytes.AddRange([0xFF, 0xE1, 0x01, 0x02]);
        bytes.AddRange(new byte[0x100]);
        bytes.AddRange([0xFF, 0xFF, 0xC2, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 0x03]);
        bytes.AddRange(new byte[16]);
        return [.. bytes];
    }

    /// <summary>A WebP of the given <paramref name="chunk"/> kind (<c>VP8 </c>, <c>VP8L</c>, <c>VP8X</c>).</summary>
    public static byte[] WebP(string chunk, int width, int height)
    {
        var bytes = new byte[40];
        "RIFF"u8.CopyTo(bytes);
        "WEBP"u8.CopyTo(bytes.AsSpan(8));
        System.Text.Encoding.ASCII.GetBytes(chunk).CopyTo(bytes, 12);
        switch (chunk)
        {
            case "VP8 ":
                bytes[23] = 0x9D;
                bytes[24] = 0x01;
                bytes[25] = 0x2A;
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(26), (ushort)width);
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(28), (ushort)height);
                break;
            case "VP8L":
                bytes[20] = 0x2F;
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(21), (uint)(width - 1) | ((uint)(height - 1) << 14));
                break;
            default:
                bytes[24] = (byte)(width - 1);
                bytes[25] = (byte)((width - 1) >> 8);
                bytes[27] = (byte)(height - 1);
                bytes[28] = (byte)((height - 1) >> 8);
                break;
        }

        return bytes;
    }

    /// <summary>A server whose files live in a folder of their own, so that sweeps in other tests do not touch them.</summary>
    public static ChatApplication App(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>());
        all.TryAdd("Chat:Files:Path", Path.Combine(Path.GetTempPath(), "chat-tests", "files-" + Guid.NewGuid().ToString("N")));
        return new ChatApplication(all);
    }

    /// <summary>The files in the folder of <paramref name="app"/>'s files, leftovers of cut writes included.</summary>
    public static string[] StoredFiles(ChatApplication app)
    {
        var folder = app.Services.GetRequiredService<IOptions<Chat.Server.Files.FileOptions>>().Value.Path!;
        return Directory.Exists(folder) ? [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(Path.GetFileName)!] : [];
    }

    /// <summary>Uploads <paramref name="bytes"/> as <paramref name="user"/> (sign-in off) with the headers of the raw form.</summary>
    public static async Task<HttpResponseMessage> UploadAsync(HttpClient http, string? user, byte[] bytes, string name, string contentType = "application/octet-stream", bool chunked = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, user is null ? "/files" : $"/files?user={Uri.EscapeDataString(user)}");
        request.Content = chunked ? new StreamContent(new MemoryStream(bytes)) : new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        request.Headers.Add("X-File-Name", Uri.EscapeDataString(name));
        return await http.SendAsync(request).DefaultTimeout();
    }

    public static async Task<ChatFile> UploadedAsync(HttpClient http, string user, byte[] bytes, string name, string contentType = "application/octet-stream")
    {
        using var response = await UploadAsync(http, user, bytes, name, contentType);
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<ChatFile>(response.Content))!;
    }

    public static Task<HttpResponseMessage> GetAsync(HttpClient http, ChatFile file, string? user, Action<HttpRequestMessage>? configure = null)
    {
        var path = $"/files/{file.Id}/{Uri.EscapeDataString(file.Name)}" + (user is null ? "" : $"?user={Uri.EscapeDataString(user)}");
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        configure?.Invoke(request);
        return http.SendAsync(request).DefaultTimeout();
    }

    /// <summary>Posts a draft with <paramref name="files"/>.</summary>
    public static Task<ChatMessage?> PostFilesAsync(this TestClient client, string room, string text, params ChatFile[] files) =>
        client.Connection.InvokeAsync<ChatMessage?>(nameof(IChatHub.Post), room, new MessageDraft(text, Files: [.. files.Select(file => file.Id)])).DefaultTimeout();
}
