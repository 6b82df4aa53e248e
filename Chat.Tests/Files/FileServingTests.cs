using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Chat.Tests.Infrastructure;
using static Chat.Tests.Files.FileSamples;

namespace Chat.Tests.Files;

/// <summary>SPEC section 14: <c>GET /files/{id}/{name}</c> serves a file to those who can read its conversation, safely.</summary>
public sealed class FileServingTests
{
    [Fact]
    public async Task A_file_is_served_to_those_who_can_read_its_conversation_and_refused_to_the_others()
    {
        await using var app = App();
        var http = app.CreateClient();
        await using var alice = await app.ConnectAsync("alice");
        await alice.JoinAsync("dev");
        var inGeneral = await UploadedAsync(http, "alice", [1], "g.bin");
        var inRoom = await UploadedAsync(http, "alice", [2], "r.bin");
        var inDirect = await UploadedAsync(http, "alice", [3], "d.bin");
        var unattached = await UploadedAsync(http, "alice", [4], "u.bin");
        await alice.PostFilesAsync("general", "", inGeneral);
        await alice.PostFilesAsync("dev", "", inRoom);
        await alice.PostFilesAsync("@bob", "", inDirect);
        await using (var dave = await app.ConnectAsync("dave"))
        {
            await dave.JoinAsync("dev");
        }

        var codes = new Dictionary<string, HttpStatusCode>();
        foreach (var (file, user) in new[]
        {
            (inGeneral, "carol"), (inGeneral, (string?)null),
            (inRoom, "dave"), (inRoom, "carol"), (inRoom, null),
            (inDirect, "bob"), (inDirect, "carol"), (inDirect, null),
            (unattached, "alice"), (unattached, "bob"),
        })
        {
            using var response = await GetAsync(http, file, user);
            codes[$"{file.Name} to {user ?? "a guest"}"] = response.StatusCode;
        }

        codes.Should().Equal(new Dictionary<string, HttpStatusCode>
        {
            ["g.bin to carol"] = HttpStatusCode.OK,
            ["g.bin to a guest"] = HttpStatusCode.OK,
            ["r.bin to dave"] = HttpStatusCode.OK,
            ["r.bin to carol"] = HttpStatusCode.Forbidden,
            ["r.bin to a guest"] = HttpStatusCode.Forbidden,
            ["d.bin to bob"] = HttpStatusCode.OK,
            ["d.bin to carol"] = HttpStatusCode.Forbidden,
            ["d.bin to a guest"] = HttpStatusCode.Forbidden,
            ["u.bin to alice"] = HttpStatusCode.OK,
            ["u.bin to bob"] = HttpStatusCode.Forbidden,
        });
    }

    [Fact]
    public async Task An_unknown_file_or_a_wrong_name_is_404()
    {
        await using var app = App();
        var http = app.CreateClient();
        var file = await UploadedAsync(http, "alice", [1], "a.bin");

        using var unknown = await GetAsync(http, file with { Id = new string('a', 32) }, "alice");
        using var misshapen = await GetAsync(http, file with { Id = "../../chat.db" }, "alice");
        using var renamed = await GetAsync(http, file with { Name = "b.bin" }, "alice");

        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        misshapen.StatusCode.Should().Be(HttpStatusCode.NotFound);
        renamed.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    public static TheoryData<string, byte[], string, string?> Contents => new()
    {
        { "a PNG claimed as HTML", Png(1, 1), "text/html", "image/png" },
        { "a JPEG", Jpeg(1, 1), "image/jpeg", "image/jpeg" },
        { "a GIF", Gif(1, 1), "application/octet-stream", "image/gif" },
        { "a WebP", WebP("VP8L", 1, 1), "image/webp", "image/webp" },
        { "an SVG", Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>"), "image/svg+xml", null },
        { "HTML claimed as a PNG", Encoding.UTF8.GetBytes("<!DOCTYPE html><script>alert(document.cookie)</script>"), "image/png", null },
        { "an HTML and PNG polyglot", [.. Encoding.UTF8.GetBytes("<html><script>alert(1)</script><!--"), .. Png(1, 1)], "image/png", null },
    };

    [Theory]
    [MemberData(nameof(Contents))]
    public async Task Only_content_sniffed_as_PNG_JPEG_GIF_or_WebP_is_inline_everything_else_is_an_attachment(string what, byte[] bytes, string claimed, string? inlineAs)
    {
        await using var app = App();
        var http = app.CreateClient();
        var file = await UploadedAsync(http, "alice", bytes, "file", claimed);

        using var response = await GetAsync(http, file, "alice");

        response.StatusCode.Should().Be(HttpStatusCode.OK, what);
        response.Headers.GetValues("X-Content-Type-Options").Should().Equal(["nosniff"], what);
        response.Headers.GetValues("Content-Security-Policy").Should().Equal(["sandbox"], what);
        response.Content.Headers.ContentDisposition!.DispositionType.Should().Be(inlineAs is null ? "attachment" : "inline", what);
        if (inlineAs is not null)
        {
            response.Content.Headers.ContentType!.MediaType.Should().Be(inlineAs, $"{what} is served as what it is");
        }

        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
    }

    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Windows\\win.ini", "win.ini")]
    [InlineData("a\"b;c\\d.txt", "d.txt")]
    [InlineData("x\"; filename=evil.html", "x\"; filename=evil.html")]
    [InlineData("résumé 📄.pdf", "résumé 📄.pdf")]
    [InlineData("line\r\nSet-Cookie: a=b", "lineSet-Cookie: a=b")]
    [InlineData("..", "file")]
    public async Task Hostile_names_are_kept_as_a_last_segment_and_encoded_safely_in_Content_Disposition(string given, string kept)
    {
        await using var app = App();
        var http = app.CreateClient();
        var file = await UploadedAsync(http, "alice", [1, 2], given);

        using var response = await GetAsync(http, file, "alice");

        file.Name.Should().Be(kept);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var header = response.Content.Headers.GetValues("Content-Disposition").Single();
        header.Should().MatchRegex("^attachment; filename=\"[ -~]*\"; filename\\*=UTF-8''[A-Za-z0-9%._~!*'()-]*$", "one parameter each, ASCII only, nothing injected");
        response.Headers.Should().NotContain(h => h.Key == "Set-Cookie");
        response.Content.Headers.ContentDisposition!.FileNameStar.Should().Be(kept);
    }

    [Fact]
    public async Task The_ETag_answers_304_to_If_None_Match_and_ranges_are_served_partially()
    {
        await using var app = App();
        var http = app.CreateClient();
        var bytes = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        var file = await UploadedAsync(http, "alice", bytes, "data.bin");
        using var first = await GetAsync(http, file, "alice");
        var etag = first.Headers.ETag!;

        using var again = await GetAsync(http, file, "alice", request => request.Headers.IfNoneMatch.Add(etag));
        using var range = await GetAsync(http, file, "alice", request => request.Headers.Range = new RangeHeaderValue(10, 19));

        first.Headers.AcceptRanges.Should().Contain("bytes");
        again.StatusCode.Should().Be(HttpStatusCode.NotModified);
        range.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        range.Content.Headers.ContentRange!.ToString().Should().Be("bytes 10-19/100");
        (await range.Content.ReadAsByteArrayAsync()).Should().Equal(bytes[10..20]);
    }
}
