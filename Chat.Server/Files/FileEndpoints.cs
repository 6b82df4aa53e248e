using Chat.Server.History;
using Chat.Server.Rooms;
using Chat.Server.Rules;
using Chat.Server.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using static Chat.Server.Web.Problems;

namespace Chat.Server.Files;

/// <summary>
/// <c>POST /files</c> (upload) and <c>GET /files/{id}/{name}</c> (download), with the hub's authentication: a token (the
/// <c>access_token</c> query or a Bearer header) when sign-in is on, <c>?user=</c> when it is off; guests may download the files
/// of <c>general</c> only, and upload nothing.
/// </summary>
internal static class FileEndpoints
{
    /// <summary>The content types served inline: what a browser shows as an image and nothing else (sniffed, not as claimed).</summary>
    private static readonly HashSet<string> Inline = new(StringComparer.Ordinal) { "image/png", "image/jpeg", "image/gif", "image/webp" };

    /// <summary>Bytes read from a file's start to tell its type when it is served.</summary>
    private const int SniffBytes = 32;

    public static IEndpointRouteBuilder MapChatFiles(this IEndpointRouteBuilder endpoints)
    {
        var files = endpoints.MapGroup("/files");
        files.MapPost("", async (HttpContext http, FileUploads uploads) =>
        {
            if (UserOf(http, out var refusal) is not { } user)
            {
                return refusal ?? Problem(http, StatusCodes.Status401Unauthorized, "Uploading needs a name: sign in, or connect with ?user=NAME when sign-in is off.");
            }

            var outcome = await uploads.UploadAsync(http, user);
            return outcome.File is { } file
                ? Results.Created($"/files/{file.Id}/{Uri.EscapeDataString(file.Name)}", file)
                : Problem(http, outcome.Status, outcome.Refusal!);
        });

        files.MapGet("/{id}/{name}", ServeAsync);
        files.WithMetadata(new Microsoft.AspNetCore.Mvc.DisableRequestSizeLimitAttribute()); // FileUploads sets the limit per request
        files.SecureChatHub(endpoints.ServiceProvider);
        return endpoints;
    }

    private static async Task<IResult> ServeAsync(HttpContext http, string id, string name, IHistoryStore store, IFileStorage storage)
    {
        var user = UserOf(http, out var refusal);
        if (refusal is not null)
        {
            return refusal;
        }

        var cancellationToken = http.RequestAborted;
        if (!FileIds.IsValid(id) || await store.FindFileAsync(id, cancellationToken) is not { } stored || stored.File.Name != name)
        {
            return Problem(http, StatusCodes.Status404NotFound, "There is no such file.");
        }

        if (stored.MessageId is not { } messageId)
        {
            // An upload not attached yet is its uploader's alone.
            if (stored.User != user)
            {
                return Problem(http, StatusCodes.Status403Forbidden, "This file is not shared yet; only its uploader may see it.");
            }
        }
        else
        {
            var room = stored.Room!;
            if (!await MayReadAsync(store, user, room, cancellationToken))
            {
                return Problem(http, StatusCodes.Status403Forbidden, "This file belongs to a conversation you cannot read.");
            }

            if (await store.FindAsync(room, messageId, cancellationToken) is not { Deleted: false })
            {
                return Problem(http, StatusCodes.Status404NotFound, "This file's message was deleted; the file is gone with it.");
            }
        }

        if (await storage.OpenAsync(id, stored.File.Size, cancellationToken) is not { } content)
        {
            return Problem(http, StatusCodes.Status404NotFound, "There is no such file.");
        }

        var sniffed = await SniffAsync(content, cancellationToken);
        var inline = sniffed is not null && Inline.Contains(sniffed.ContentType);
        var headers = http.Response.Headers;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers[HeaderNames.ContentSecurityPolicy] = "sandbox";

        // Authorization can end (a message deleted, a room left): every use revalidates, cheaply, by the ETag.
        headers[HeaderNames.CacheControl] = "private, no-cache";
        headers[HeaderNames.ContentDisposition] = Disposition(inline, stored.File.Name);
        return Results.Stream(
            content,
            contentType: inline ? sniffed!.ContentType : stored.File.ContentType,
            lastModified: stored.UploadedAt,
            entityTag: new EntityTagHeaderValue($"\"{id}\""),
            enableRangeProcessing: true);
    }

    /// <summary>
    /// <c>inline</c> or <c>attachment</c>, with the name as UTF-8 (<c>filename*</c>) and an ASCII stand-in (<c>filename</c>) in
    /// which anything that is not a plain printable character (quotes, backslashes, non-ASCII) is <c>_</c>.
    /// </summary>
    public static string Disposition(bool inline, string name)
    {
        var ascii = new string([.. name.Select(c => c is >= ' ' and < '\x7f' and not ('"' or '\\' or '/' or '%' or ';') ? c : '_')]);
        // filename first: user agents that know only it read the first; the others prefer filename* (RFC 6266).
        var disposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment") { FileName = HeaderUtilities.EscapeAsQuotedString(ascii) };
        disposition.FileNameStar = name;
        return disposition.ToString();
    }

    /// <summary>Reads the first bytes and goes back to the start; what they are, if an inline image type.</summary>
    private static async Task<ImageHeader?> SniffAsync(Stream content, CancellationToken cancellationToken)
    {
        var head = new byte[SniffBytes];
        var read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        content.Position = 0;
        return ImageHeader.Read(head.AsSpan(0, read));
    }

    /// <summary>Whether <paramref name="user"/> (null: a guest) can read conversation <paramref name="room"/> (SPEC section 11), on any node.</summary>
    private static async Task<bool> MayReadAsync(IHistoryStore store, string? user, string room, CancellationToken cancellationToken) =>
        room == Conversation.General
        || (user is not null && (Conversation.BelongsWithoutJoining(room, user) || (!Conversation.IsDirect(room) && await store.IsMemberAsync(user, room, cancellationToken))));

    /// <summary>The request's user as the hub would have it; null for a guest, with <paramref name="refusal"/> set for a name the rules refuse.</summary>
    private static string? UserOf(HttpContext http, out IResult? refusal)
    {
        refusal = null;
        if (Hubs.ConnectionUser.NameGiven(http.User, http) is not { Length: > 0 } name)
        {
            return null;
        }

        try
        {
            return UserNames.Normalize(name);
        }
        catch (InputRejectedException rejected)
        {
            refusal = Problem(http, StatusCodes.Status400BadRequest, rejected.Message);
            return null;
        }
    }
}
