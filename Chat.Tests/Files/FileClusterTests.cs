using System.Net;
using Chat.Tests.Infrastructure;
using static Chat.Tests.Files.FileSamples;

namespace Chat.Tests.Files;

/// <summary>Files on several nodes: the S3 bucket is shared, the rows are in the shared PostgreSQL.</summary>
public sealed class FileClusterTests
{
    [SkippableFact]
    public async Task A_file_uploaded_and_attached_on_one_node_is_served_by_the_other_to_its_readers_only()
    {
        // Arrange: two nodes with Redis, PostgreSQL and an s3rver bucket; alice on A, bob on B, both in #dev
        await using var s3 = await S3Server.StartAsync();
        await using var cluster = await Cluster.StartAsync(s3.Arguments);
        await using var alice = await cluster.A.ConnectAsync("alice");
        await using var bob = await cluster.B.ConnectAsync("bob");
        await alice.JoinAsync("dev");
        await bob.JoinAsync("dev");
        using var toA = new HttpClient { BaseAddress = cluster.A.Url };
        using var toB = new HttpClient { BaseAddress = cluster.B.Url };
        var bytes = Png(12, 34);

        // Act: alice uploads to A and posts there; bob reads it through B
        var file = await UploadedAsync(toA, "alice", bytes, "shared.png", "image/png");
        var sent = await alice.PostFilesAsync("dev", "from A", file);
        var received = await bob.NextMessageAsync();
        using var servedByB = await GetAsync(toB, file, "bob");
        using var refusedByB = await GetAsync(toB, file, "carol");

        // Assert
        received.Id.Should().Be(sent!.Id);
        received.Files.Should().Equal(file);
        servedByB.StatusCode.Should().Be(HttpStatusCode.OK, cluster.B.Output);
        (await servedByB.Content.ReadAsByteArrayAsync()).Should().Equal(bytes);
        servedByB.Content.Headers.ContentType!.MediaType.Should().Be("image/png");
        refusedByB.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
