using System.Net;
using System.Net.Http.Json;
using Chat.Server.History;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using static Chat.Tests.Files.FileSamples;

namespace Chat.Tests.Files;

/// <summary>SPEC section 14: <c>POST /files</c>, and drafts that attach what was uploaded.</summary>
public sealed class FileUploadTests
{
    [Fact]
    public async Task An_upload_answers_the_file_with_an_images_dimensions_and_stores_it_unattached()
    {
        await using var app = App();
        var http = app.CreateClient();

        var file = await UploadedAsync(http, "alice", Png(640, 480), "cat.png", "image/png");

        file.Should().BeEquivalentTo(new { Name = "cat.png", Size = 64L, ContentType = "image/png", Width = 640, Height = 480 });
        var stored = await app.Services.GetRequiredService<IHistoryStore>().FindFileAsync(file.Id, default);
        stored.Should().BeEquivalentTo(new { File = file, User = "alice", MessageId = (long?)null });
    }

    [Fact]
    public async Task A_multipart_form_upload_takes_the_first_file_part()
    {
        await using var app = App();
        using var form = new MultipartFormDataContent { { new StringContent("ignored"), "note" }, { new ByteArrayContent(Gif(3, 4)), "file", "anim.gif" } };

        using var response = await app.CreateClient().PostAsync("/files?user=alice", form).DefaultTimeout();

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await response.Content.ReadFromJsonAsync<ChatFile>()).Should().BeEquivalentTo(new { Name = "anim.gif", Size = 32L, Width = 3, Height = 4 });
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_upload_over_MaxBytes_is_413_naming_the_limit_and_nothing_is_kept(bool chunked)
    {
        await using var app = App(new Dictionary<string, string?> { ["Chat:Files:MaxBytes"] = "1024" });

        using var response = await UploadAsync(app.CreateClient(), "alice", new byte[1025], "big.bin", chunked: chunked);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadAsStringAsync()).Should().Contain("at most 1 KiB (1024 bytes) (Chat:Files:MaxBytes)");
        (await app.Services.GetRequiredService<IHistoryStore>().FileBytesAsync("alice", default)).Should().Be(0);
        StoredFiles(app).Should().BeEmpty("a refused upload's bytes are removed at once");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_upload_past_the_users_quota_is_413_naming_the_quota(bool chunked)
    {
        await using var app = App(new Dictionary<string, string?> { ["Chat:Files:QuotaBytes"] = "100" });
        var http = app.CreateClient();
        await UploadedAsync(http, "alice", new byte[60], "first.bin");

        using var over = await UploadAsync(http, "alice", new byte[41], "second.bin", chunked: chunked);
        using var bobs = await UploadAsync(http, "bob", new byte[41], "bobs.bin", chunked: chunked);

        over.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await over.Content.ReadAsStringAsync()).Should().Contain("at most 100 bytes together (Chat:Files:QuotaBytes), and 40 bytes of it is left");
        bobs.StatusCode.Should().Be(HttpStatusCode.Created, "the quota is each user's");
    }

    [Fact]
    public async Task Two_uploads_at_once_that_each_fit_the_quota_but_not_together_keep_one_and_refuse_the_other()
    {
        await using var app = App(new Dictionary<string, string?> { ["Chat:Files:QuotaBytes"] = "100" });
        var http = app.CreateClient();
        var halfway = new CountdownEvent(2);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each sends half its bytes, and the rest only once both have begun: both started with the whole quota left.
        var uploads = Enumerable.Range(1, 2).Select(n => Task.Run(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/files?user=alice") { Content = new HalvedContent(new byte[60], halfway, go.Task) };
            request.Headers.Add("X-File-Name", $"part{n}.bin");
            using var response = await http.SendAsync(request).DefaultTimeout();
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        })).ToArray();
        await Task.Run(() => halfway.Wait(TaskTimeouts.Default));
        go.SetResult();
        var answers = await Task.WhenAll(uploads);

        answers.Count(answer => answer.StatusCode == HttpStatusCode.Created).Should().Be(1, "the first to be stored fits");
        answers.Count(answer => answer.StatusCode == HttpStatusCode.RequestEntityTooLarge).Should().Be(1, "the other would pass the quota");
        answers.Single(answer => answer.StatusCode == HttpStatusCode.RequestEntityTooLarge).Body.Should().Contain("at most 100 bytes together (Chat:Files:QuotaBytes), and 40 bytes of it is left");
    }

    /// <summary>A body sent in two halves: the second after <paramref name="go"/>, once <paramref name="halfway"/> is told the first went.</summary>
    private sealed class HalvedContent(byte[] bytes, CountdownEvent halfway, Task go) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            await stream.FlushAsync();
            halfway.Signal();
            await go;
            await stream.WriteAsync(bytes.AsMemory(bytes.Length / 2));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }

    [Fact]
    public async Task A_guest_cannot_upload()
    {
        await using var app = App();

        using var response = await UploadAsync(app.CreateClient(), null, [1, 2, 3], "x.bin");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task With_sign_in_on_an_upload_needs_a_valid_token_and_is_the_tokens_user()
    {
        const string Key = "a-signing-key-of-at-least-32-bytes!!";
        await using var app = App(new Dictionary<string, string?> { ["Chat:Auth:SigningKey"] = Key });
        var http = app.CreateClient();
        var token = Chat.Server.Security.ChatTokens.Create(Key, "carol", admin: false, TimeSpan.FromMinutes(5));

        using var anonymous = await UploadAsync(http, "carol", [1], "x.bin");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/files?access_token={token}&user=mallory") { Content = new ByteArrayContent([1, 2]) };
        request.Headers.Add("X-File-Name", "y.bin");
        using var signed = await http.SendAsync(request).DefaultTimeout();

        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "?user= is ignored with sign-in on");
        signed.StatusCode.Should().Be(HttpStatusCode.Created);
        var file = (await signed.Content.ReadFromJsonAsync<ChatFile>())!;
        (await app.Services.GetRequiredService<IHistoryStore>().FindFileAsync(file.Id, default))!.User.Should().Be("carol");
        using var withBearer = await GetAsync(http, file, null, get => get.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token));
        using var withoutToken = await GetAsync(http, file, "carol");
        withBearer.StatusCode.Should().Be(HttpStatusCode.OK);
        withoutToken.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_draft_with_files_attaches_them_the_text_may_be_empty_and_history_returns_them()
    {
        await using var app = App();
        var http = app.CreateClient();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob", messagePack: true);
        var picture = await UploadedAsync(http, "alice", Png(2, 3), "p.png", "image/png");
        var notes = await UploadedAsync(http, "alice", [1, 2, 3], "notes.txt", "text/plain");

        var sent = await alice.PostFilesAsync("general", "", picture, notes);

        sent!.Files.Should().Equal(picture, notes);
        sent.Text.Should().BeEmpty();
        (await bob.NextMessageAsync()).Files.Should().Equal(picture, notes);
        (await bob.HistoryAsync()).Single().Files.Should().Equal(picture, notes);
        (await bob.MissedAsync(0)).Single().Files.Should().Equal(picture, notes);
        (await app.Services.GetRequiredService<IHistoryStore>().FindFileAsync(picture.Id, default))!.MessageId.Should().Be(sent.Id);
    }

    [Fact]
    public async Task Drafts_with_files_that_break_a_rule_are_refused_and_nothing_is_stored()
    {
        await using var app = App();
        var http = app.CreateClient();
        await using var alice = await app.ConnectAsync("alice");
        var attached = await UploadedAsync(http, "alice", [1], "a.bin");
        await alice.PostFilesAsync("general", "first", attached);
        var bobs = await UploadedAsync(http, "bob", [2], "b.bin");
        var mine = await UploadedAsync(http, "alice", [3], "c.bin");
        var eleven = new List<ChatFile>();
        for (var i = 0; i < 11; i++)
        {
            eleven.Add(await UploadedAsync(http, "alice", [(byte)i], $"{i}.bin"));
        }

        var again = await Refusal(() => alice.PostFilesAsync("general", "again", attached));
        var others = await Refusal(() => alice.PostFilesAsync("general", "bob's", bobs));
        var unknown = await Refusal(() => alice.PostFilesAsync("general", "?", mine with { Id = new string('0', 32) }));
        var tooMany = await Refusal(() => alice.PostFilesAsync("general", "many", [.. eleven]));
        var twice = await Refusal(() => alice.PostFilesAsync("general", "twice", mine, mine));
        var command = await Refusal(() => alice.PostFilesAsync("general", "/clear", mine));

        again.Should().EndWith($"File '{attached.Id}' is attached to a message already; a file goes with one message. Upload it again to send it once more.");
        others.Should().EndWith($"You have no uploaded file '{bobs.Id}'; upload it first (POST /files) and send the id it answers.");
        unknown.Should().Contain("You have no uploaded file '0000");
        tooMany.Should().EndWith("A message can carry at most 10 files; this one lists 11. Send the others in another message.");
        twice.Should().EndWith("The draft lists the same file twice; list each file once.");
        command.Should().EndWith("A command cannot carry files; send the files in a message of their own.");
        (await alice.HistoryAsync()).Select(m => m.Text).Should().Equal("first");
        (await app.Services.GetRequiredService<IHistoryStore>().FindFileAsync(mine.Id, default))!.MessageId.Should().BeNull();
    }

    [Fact]
    public async Task The_client_uploads_a_file_and_sends_it_in_a_message()
    {
        await using var app = App();
        await using var client = ChatClient.Create(new ChatClientOptions { Server = app.Server.BaseAddress, User = "dora", ConfigureHttp = app.UseInMemoryTransport });
        await client.StartAsync().DefaultTimeout();
        var path = Path.Combine(Path.GetTempPath(), $"résumé {Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, [1, 2, 3, 4]);

        try
        {
            var fromPath = await client.UploadAsync(path, "application/pdf").DefaultTimeout();
            var fromStream = await client.UploadAsync(new MemoryStream(Png(5, 6)), "p.png", "image/png").DefaultTimeout();
            var sent = await client.SendAsync("general", "two files", [fromPath, fromStream]).DefaultTimeout();

            fromPath.Should().BeEquivalentTo(new { Name = Path.GetFileName(path), Size = 4L, ContentType = "application/pdf" });
            fromStream.Should().BeEquivalentTo(new { Width = 5, Height = 6 });
            sent!.Files.Should().Equal(fromPath, fromStream);
            (await client.DownloadAsync(fromPath).DefaultTimeout()).Should().Equal(1, 2, 3, 4);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task The_client_reports_a_refused_upload_with_the_servers_sentence()
    {
        await using var app = App(new Dictionary<string, string?> { ["Chat:Files:MaxBytes"] = "10" });
        await using var client = ChatClient.Create(new ChatClientOptions { Server = app.Server.BaseAddress, User = "dora", ConfigureHttp = app.UseInMemoryTransport, Follow = false });

        var upload = () => client.UploadAsync(new MemoryStream(new byte[11]), "big.bin", "application/octet-stream");

        var refused = (await upload.Should().ThrowAsync<FileUploadException>()).Which;
        refused.Status.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        refused.Message.Should().Be("A file may be at most 10 bytes (Chat:Files:MaxBytes); this one is larger.");
    }

    private static async Task<string> Refusal(Func<Task> call) => (await call.Should().ThrowAsync<HubException>()).Which.Message;
}
