using System.Net;
using Chat.Server.Files;
using Chat.Server.History;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Chat.Tests.Files.FileSamples;

namespace Chat.Tests.Files;

/// <summary>SPEC section 14: files no one may read any more leave the store and the storage.</summary>
public sealed class FileRemovalTests
{
    [Fact]
    public async Task Files_of_deleted_cleared_trimmed_and_removed_conversations_and_old_uploads_are_removed_the_others_kept()
    {
        // Arrange: files in every state; general keeps 3 messages
        await using var app = App(new Dictionary<string, string?>
        {
            ["Chat:AllowClearWithoutSignIn"] = "true",
            ["Chat:History:MaxMessages"] = "3",
            ["Chat:Rooms:EmptyRoomDays"] = "1",
        });
        var http = app.CreateClient();
        var store = app.Services.GetRequiredService<IHistoryStore>();
        await using var alice = await app.ConnectAsync("alice");
        await alice.JoinAsync("cleared");
        await alice.JoinAsync("removed");
        var files = new Dictionary<string, ChatFile>();
        foreach (var name in new[] { "kept", "deleted", "trimmed", "cleared", "removed", "unattached" })
        {
            files[name] = await UploadedAsync(http, "alice", [1, 2, 3], name + ".bin");
        }

        var trimmed = await alice.PostFilesAsync("general", "", files["trimmed"]);
        var deleted = await alice.PostFilesAsync("general", "", files["deleted"]);
        await alice.PostFilesAsync("general", "", files["kept"]);
        await alice.PostFilesAsync("cleared", "", files["cleared"]);
        await alice.PostFilesAsync("removed", "", files["removed"]);
        await alice.DeleteAsync("general", deleted!.Id);
        await alice.SendToAsync("general", "pushes the oldest message out");
        await alice.SendToAsync("cleared", "/clear");
        await alice.LeaveAsync("removed");
        await app.Services.GetRequiredService<IFileStorage>().WriteAsync(Chat.Server.Files.FileIds.New(), new MemoryStream([9]), default);

        // Act: what is gone is refused at once; a maintenance round a day on removes it
        var refusedAtOnce = new List<HttpStatusCode>();
        foreach (var name in new[] { "deleted", "trimmed", "cleared" })
        {
            using var response = await GetAsync(http, files[name], "alice");
            refusedAtOnce.Add(response.StatusCode);
        }

        await app.Services.GetRequiredService<HistoryMaintenance>().RunOnceAsync(DateTime.UtcNow.AddHours(25));

        // Assert
        refusedAtOnce.Should().AllBeEquivalentTo(HttpStatusCode.NotFound);
        (await store.FindFilesAsync([.. files.Values.Select(file => file.Id)], default)).Select(file => file.File.Name).Should().Equal("kept.bin");
        StoredFiles(app).Should().Equal(files["kept"].Id);
        trimmed.Should().NotBeNull();
        using var stillServed = await GetAsync(http, files["kept"], "alice");
        stillServed.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_upload_attached_within_24_hours_and_bytes_written_within_them_are_left_alone()
    {
        await using var app = App();
        var http = app.CreateClient();
        var waiting = await UploadedAsync(http, "alice", [1], "waiting.bin");
        await app.Services.GetRequiredService<IFileStorage>().WriteAsync(Chat.Server.Files.FileIds.New(), new MemoryStream([9]), default);

        await app.Services.GetRequiredService<HistoryMaintenance>().RunOnceAsync(DateTime.UtcNow.AddHours(23));

        (await app.Services.GetRequiredService<IHistoryStore>().FindFileAsync(waiting.Id, default)).Should().NotBeNull();
        StoredFiles(app).Should().HaveCount(2, "an upload under way has bytes and no row yet");
    }
}
