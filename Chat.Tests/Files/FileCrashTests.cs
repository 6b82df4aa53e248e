using System.Net;
using Chat.Server.History;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Chat.Tests.Files.FileSamples;

namespace Chat.Tests.Files;

/// <summary>A server killed in the middle of an upload (a real process, SIGKILL).</summary>
public sealed class FileCrashTests
{
    [Fact]
    public async Task A_SIGKILL_during_an_upload_leaves_nothing_attached_and_the_partial_bytes_are_swept()
    {
        // Arrange: an upload that sends 1 MiB of its 10 MiB and waits
        var folder = Path.Combine(Path.GetTempPath(), "chat-tests", "files-" + Guid.NewGuid().ToString("N"));
        var databasePath = ChatProcess.NewDatabasePath();
        var server = await ChatProcess.StartOnAsync(databasePath, "--Chat:Files:Path", folder);
        using var http = new HttpClient { BaseAddress = server.Url };
        var stalled = new StalledContent(sent: 1024 * 1024, length: 10 * 1024 * 1024);
        var request = new HttpRequestMessage(HttpMethod.Post, "/files?user=alice") { Content = stalled };
        request.Headers.Add("X-File-Name", "cut.bin");
        var upload = http.SendAsync(request);
        await Eventually.Until(
            () => Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.part", SearchOption.AllDirectories).Any(file => new FileInfo(file).Length > 0),
            "the upload's first bytes are in storage");

        // Act: the server dies mid-upload; the history is then opened again, and a maintenance round runs a day later
        await server.KillAsync();
        await server.DisposeAsync();
        stalled.Release();
        var failed = async () => await upload.DefaultTimeout();
        await failed.Should().ThrowAsync<HttpRequestException>();
        var leftOver = Path.GetFileNameWithoutExtension(Directory.EnumerateFiles(folder, "*.part", SearchOption.AllDirectories).Single());
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Files:Path"] = folder }, databasePath);
        var store = app.Services.GetRequiredService<IHistoryStore>();
        var recorded = await store.FindFileAsync(leftOver, default);
        var used = await store.FileBytesAsync("alice", default);
        await using var alice = await app.ConnectAsync("alice");
        var attach = () => alice.PostFilesAsync("general", "", new ChatFile(leftOver, "cut.bin", 0, "application/octet-stream"));
        await app.Services.GetRequiredService<HistoryMaintenance>().RunOnceAsync(DateTime.UtcNow.AddHours(25));

        // Assert
        recorded.Should().BeNull("a file's row is committed only once its bytes are all stored");
        used.Should().Be(0);
        await attach.Should().ThrowAsync<Microsoft.AspNetCore.SignalR.HubException>();
        (await alice.HistoryAsync()).Should().BeEmpty();
        StoredFiles(app).Should().BeEmpty("the sweep removes bytes without a row");
        ChatApplication.DeleteDatabase(databasePath);
    }

    [Fact]
    public async Task Behind_Kestrel_an_upload_over_MaxBytes_is_413_naming_the_limit_whether_its_length_is_declared_or_not()
    {
        var folder = Path.Combine(Path.GetTempPath(), "chat-tests", "files-" + Guid.NewGuid().ToString("N"));
        await using var server = await ChatProcess.StartAsync("--Chat:Files:Path", folder, "--Chat:Files:MaxBytes", "4096");
        using var http = new HttpClient { BaseAddress = server.Url };

        using var declared = await UploadAsync(http, "alice", new byte[5000], "declared.bin");
        using var chunked = await UploadAsync(http, "alice", new byte[5000], "chunked.bin", chunked: true);
        var fits = await UploadedAsync(http, "alice", new byte[4096], "fits.bin");

        declared.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        chunked.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await chunked.Content.ReadAsStringAsync()).Should().Contain("A file may be at most 4 KiB (4096 bytes) (Chat:Files:MaxBytes)");
        fits.Size.Should().Be(4096);
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Should().Equal(fits.Id);
    }

    /// <summary>A body of <c>length</c> bytes that sends <c>sent</c> of them and then waits until released.</summary>
    private sealed class StalledContent(int sent, long length) : HttpContent
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(new byte[sent]);
            await stream.FlushAsync();
            await _release.Task;
        }

        protected override bool TryComputeLength(out long length1)
        {
            length1 = length;
            return true;
        }
    }
}
