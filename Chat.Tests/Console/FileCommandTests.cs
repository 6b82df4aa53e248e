using Chat.Client.Console;
using Chat.Testing;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ConsoleClient;

/// <summary>Files on the console (SPEC section 14): <c>/upload PATH [TEXT]</c>, and a message's files printed as <c>[file: NAME (SIZE) URL]</c>.</summary>
public class FileCommandTests
{
    private const string Client = "Chat.Client.Console.dll";
    private static readonly DateTime Noon = new(2026, 1, 2, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(14, "14 bytes")]
    [InlineData(2_400_000, "2.4 MB")]
    [InlineData(830_000, "830 KB")]
    public void A_message_prints_its_files_with_name_size_and_address_after_the_text(long size, string shown)
    {
        var message = new ChatMessage(1, "general", "bob", "here it is", Noon)
        {
            Files = [new ChatFile("f1", "shot one.png", size, "image/png", 800, 600)],
        };

        var line = MessageLines.Message(message, new TestClock(), server: new Uri("http://chat.example/"));

        line.Should().Be($"[17:30] bob: here it is [file: shot one.png ({shown}) http://chat.example/files/f1/shot%20one.png]");
    }

    [Fact]
    public async Task Upload_sends_the_file_to_the_current_conversation_with_its_text_and_prints_where_it_is()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        var folder = Directory.CreateTempSubdirectory("chat-upload-");
        var path = Path.Combine(folder.FullName, "release notes.txt");
        await File.WriteAllTextAsync(path, "v2.3 is out\n");

        var result = await DotnetProcess.RunAsync(
            Client, ["--url", chat.Url.ToString(), "--user", "alice"], input: $"/upload \"{path}\" the notes\n/upload {folder.FullName}/missing.txt\n");
        var received = await bob.NextMessageAsync();
        folder.Delete(recursive: true);

        result.ExitCode.Should().Be(0);
        received.Text.Should().Be("the notes");
        var file = received.Files.Should().ContainSingle().Subject;
        file.Name.Should().Be("release notes.txt");
        file.Size.Should().Be(12);
        result.Output.Should().Contain($"alice: the notes [file: release notes.txt (12 bytes) {new Uri(chat.Url, $"files/{file.Id}/release%20notes.txt").AbsoluteUri}]");
        result.Output.Should().Contain($"error: There is no file at {folder.FullName}/missing.txt.");
    }
}
