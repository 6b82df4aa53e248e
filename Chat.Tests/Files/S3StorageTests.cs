using System.Net;
using System.Net.Http.Headers;
using Chat.Server.Files;
using Chat.Server.History;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Chat.Tests.Files.FileSamples;

namespace Chat.Tests.Files;

/// <summary>Files in an S3-compatible bucket: a real s3rver, checking signatures.</summary>
public sealed class S3StorageTests
{
    [SkippableFact]
    public async Task Files_go_to_the_bucket_in_parts_when_large_and_come_back_whole_or_by_range()
    {
        // Arrange: a file of two and a bit parts, and a small one
        await using var s3 = await S3Server.StartAsync();
        await using var app = new ChatApplication(s3.Settings);
        var http = app.CreateClient();
        var large = new byte[(2 * S3Storage.PartBytes) + 1234];
        new Random(7).NextBytes(large);

        // Act
        var big = await UploadedAsync(http, "alice", large, "big.bin");
        var small = await UploadedAsync(http, "alice", Png(7, 8), "small.png", "image/png");
        using var whole = await GetAsync(http, big, "alice");
        using var range = await GetAsync(http, big, "alice", request => request.Headers.Range = new RangeHeaderValue(S3Storage.PartBytes - 10, S3Storage.PartBytes + 9));
        using var image = await GetAsync(http, small, "alice");

        // Assert
        app.Services.GetRequiredService<IFileStorage>().Should().BeOfType<S3Storage>();
        app.Logs.Lines.Should().Contain(line => line.Contains($"Files: S3 bucket {S3Server.Bucket} at {s3.ServiceUrl}.", StringComparison.Ordinal));
        (await whole.Content.ReadAsByteArrayAsync()).Should().Equal(large);
        range.StatusCode.Should().Be(HttpStatusCode.PartialContent);
        (await range.Content.ReadAsByteArrayAsync()).Should().Equal(large[(S3Storage.PartBytes - 10)..(S3Storage.PartBytes + 10)]);
        image.Content.Headers.ContentDisposition!.DispositionType.Should().Be("inline");
        small.Should().BeEquivalentTo(new { Width = 7, Height = 8 });
    }

    [SkippableFact]
    public async Task The_sweep_removes_objects_no_one_may_read_and_objects_without_a_row()
    {
        await using var s3 = await S3Server.StartAsync();
        await using var app = new ChatApplication(s3.Settings);
        var http = app.CreateClient();
        var storage = app.Services.GetRequiredService<IFileStorage>();
        await using var alice = await app.ConnectAsync("alice");
        var kept = await UploadedAsync(http, "alice", [1], "kept.bin");
        var unattached = await UploadedAsync(http, "alice", [2], "unattached.bin");
        await alice.PostFilesAsync("general", "", kept);
        var orphan = FileIds.New();
        await storage.WriteAsync(orphan, new MemoryStream([3]), default);

        await app.Services.GetRequiredService<HistoryMaintenance>().RunOnceAsync(DateTime.UtcNow.AddHours(25));

        var left = new List<string>();
        await foreach (var (id, _) in storage.ListAsync(default))
        {
            left.Add(id);
        }

        left.Should().Equal(kept.Id);
        (await storage.OpenAsync(unattached.Id, 1, default)).Should().BeNull();
    }
}
