using Chat.Server.History;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Chat.Server.Files;

/// <summary>
/// <c>POST /files</c>: the body (or the first file of a multipart form) is streamed to storage, never held whole in memory,
/// counted against <c>Chat:Files:MaxBytes</c> and the user's <c>Chat:Files:QuotaBytes</c> as it arrives; then its row is
/// committed, unattached. An upload cut short leaves at most bytes without a row, which <see cref="FileSweep"/> removes.
/// </summary>
internal sealed partial class FileUploads(IHistoryStore store, HistoryWriter writer, IFileStorage storage, IOptions<FileOptions> options, TimeProvider clock, ILogger<FileUploads> logger)
{
    /// <summary>Most characters of a file name kept (longer ones are cut, keeping the extension).</summary>
    public const int MaxNameLength = 200;

    /// <summary>Room for a multipart form's boundaries and part headers on top of the file.</summary>
    private const long FormOverhead = 64 * 1024;

    /// <summary>What became of an upload: the file, or the status and the sentence saying why not.</summary>
    public readonly record struct Outcome(ChatFile? File, int Status = StatusCodes.Status201Created, string? Refusal = null);

    public async Task<Outcome> UploadAsync(HttpContext http, string user)
    {
        var limits = options.Value;
        var cancellationToken = http.RequestAborted;
        var used = await store.FileBytesAsync(user, cancellationToken);
        var left = Math.Max(0, limits.QuotaBytes - used);
        var isForm = MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var mediaType) && mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase);
        if (!isForm && http.Request.ContentLength is { } length && TooBig(length, left) is { } early)
        {
            return early;
        }

        // Kestrel stops reading past this (413) whatever the client claimed; the counting below says which limit it was.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limits.MaxBytes + (isForm ? FormOverhead : 0);
        }

        var (body, name, contentType) = isForm ? await FormFileAsync(http, mediaType!) : (http.Request.Body, Header(http, "X-File-Name"), http.Request.ContentType);
        if (body is null)
        {
            return new Outcome(null, StatusCodes.Status400BadRequest, "The form has no file: send it as a part with a file name (Content-Disposition: form-data; name=\"file\"; filename=\"...\").");
        }

        var id = FileIds.New();
        var counted = new CountingStream(body, Math.Min(limits.MaxBytes, left));
        try
        {
            await storage.WriteAsync(id, counted, cancellationToken);
        }
        catch (Exception exception) when (counted.Exceeded || exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge })
        {
            await ForgetAsync(id);
            return TooBig(counted.Exceeded ? counted.Count : limits.MaxBytes + 1, left)!.Value;
        }
        catch
        {
            await ForgetAsync(id);
            throw;
        }

        var image = ImageHeader.Read(counted.Head);
        var file = new ChatFile(id, SafeName(name), counted.Count, SafeType(contentType), image?.Width, image?.Height);
        // The quota again, in turn with the other writes: two uploads at once may each fit what was left but not together.
        var usedNow = await writer.RunAsync<long?>(async (history, token) =>
        {
            var used = await history.FileBytesAsync(user, token);
            if (used + file.Size > limits.QuotaBytes)
            {
                return used;
            }

            await history.AddFileAsync(new StoredFile(file, user, clock.GetUtcNow().UtcDateTime), token);
            return null;
        });
        if (usedNow is { } usedByOthers)
        {
            await ForgetAsync(id);
            return TooBig(file.Size, Math.Max(0, limits.QuotaBytes - usedByOthers))!.Value;
        }

        LogUploaded(user, id, file.Size);
        return new Outcome(file);
    }

    /// <summary>Why <paramref name="size"/> bytes are refused, or null: over the largest file, or over what is left of the quota.</summary>
    private Outcome? TooBig(long size, long left)
    {
        var limits = options.Value;
        if (size > limits.MaxBytes)
        {
            return new Outcome(null, StatusCodes.Status413PayloadTooLarge, $"A file may be at most {Bytes(limits.MaxBytes)} (Chat:Files:MaxBytes); this one is larger.");
        }

        return size > left
            ? new Outcome(
                null,
                StatusCodes.Status413PayloadTooLarge,
                $"Your files may take at most {Bytes(limits.QuotaBytes)} together (Chat:Files:QuotaBytes), and {Bytes(left)} of it is left; delete messages with files to free some.")
            : null;
    }

    /// <summary>A size as people read it: <c>25 MiB (26214400 bytes)</c>.</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB ({bytes} bytes)",
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20} MiB ({bytes} bytes)",
        >= 1L << 10 when bytes % (1L << 10) == 0 => $"{bytes >> 10} KiB ({bytes} bytes)",
        _ => $"{bytes} bytes",
    };

    /// <summary>The first file part of a multipart form, with its name and type; null when the form has none.</summary>
    private static async Task<(Stream? Body, string? Name, string? ContentType)> FormFileAsync(HttpContext http, MediaTypeHeaderValue mediaType)
    {
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            return (null, null, null);
        }

        var reader = new MultipartReader(boundary, http.Request.Body);
        while (await reader.ReadNextSectionAsync(http.RequestAborted) is { } section)
        {
            if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition())
            {
                var name = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                return (section.Body, name, section.ContentType);
            }
        }

        return (null, null, null);
    }

    /// <summary>A header's value; <c>X-File-Name</c> carries a name percent-encoded as UTF-8 (HTTP headers are ASCII).</summary>
    private static string? Header(HttpContext http, string name) =>
        http.Request.Headers[name].ToString() is { Length: > 0 } value ? Uri.UnescapeDataString(value) : null;

    /// <summary>
    /// The name a file is kept and served under: its last path segment, without control characters, at most
    /// <see cref="MaxNameLength"/> characters (the extension kept); <c>file</c> when nothing is left.
    /// </summary>
    public static string SafeName(string? name)
    {
        var last = (name ?? "").Split('/', '\\').Last();
        var clean = new string([.. last.Where(c => !char.IsControl(c) && c is not ('\u2028' or '\u2029'))]).Trim().Trim('.');
        if (clean.Length > MaxNameLength)
        {
            var extension = Path.GetExtension(clean);
            extension = extension.Length is > 0 and <= 16 ? extension : "";
            clean = clean[..(MaxNameLength - extension.Length)] + extension;
        }

        return clean.Length == 0 ? "file" : clean.Normalize();
    }

    /// <summary>The declared type if it is a well-formed media type, else <c>application/octet-stream</c>.</summary>
    private static string SafeType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) && parsed.MediaType.HasValue && !parsed.MediaType.Value!.Contains('*', StringComparison.Ordinal)
            ? parsed.ToString()
            : "application/octet-stream";

    private async Task ForgetAsync(string id)
    {
        try
        {
            await storage.DeleteAsync(id, CancellationToken.None);
        }
        catch (Exception exception)
        {
            // The sweep removes it later.
            LogLeftOver(exception, id);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{User} uploaded file {Id} ({Size} bytes)")]
    private partial void LogUploaded(string user, string id, long size);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The bytes of refused upload {Id} could not be removed; the file sweep removes them later")]
    private partial void LogLeftOver(Exception exception, string id);
}

/// <summary>Passes a body through, counting it, keeping its first <see cref="ImageHeader.HeadBytes"/>, and failing once it passes <c>limit</c>.</summary>
internal sealed class CountingStream(Stream inner, long limit) : Stream
{
    private readonly byte[] _head = new byte[ImageHeader.HeadBytes];
    private int _headLength;

    public long Count { get; private set; }

    /// <summary>The body went past the limit (the read that saw it threw).</summary>
    public bool Exceeded { get; private set; }

    public ReadOnlySpan<byte> Head => _head.AsSpan(0, _headLength);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => Count; set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Counted(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Counted(buffer.AsSpan(offset, read));
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void Counted(ReadOnlySpan<byte> read)
    {
        if (_headLength < _head.Length)
        {
            var kept = Math.Min(read.Length, _head.Length - _headLength);
            read[..kept].CopyTo(_head.AsSpan(_headLength));
            _headLength += kept;
        }

        Count += read.Length;
        if (Count > limit)
        {
            Exceeded = true;
            throw new IOException($"The upload is larger than the {limit} bytes it may be.");
        }
    }
}
