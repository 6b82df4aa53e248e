using Chat.Testing;
using System.Diagnostics;
using System.Net;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Operations;

/// <summary>SPEC section 9: <c>dotnet publish Chat.Server</c> gives a folder that serves the page and the hub when started from it.</summary>
[Collection(NonParallelTests.Name)]
public sealed class PublishTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("chat-publish-").FullName;

    [Fact]
    public async Task A_published_server_started_from_its_folder_serves_the_page_and_the_hub()
    {
        await PublishAsync();

        await using var server = ChatProcess.Launch(new ChatProcessOptions { Arguments = ["--urls", "http://127.0.0.1:0"], Published = _output });
        await server.WaitUntilListeningAsync();
        using var http = new HttpClient { BaseAddress = server.Url };

        foreach (var path in new[] { "/", "/app.js", "/styles.css", "/favicon.svg", "/lib/signalr.min.js" })
        {
            using var response = await http.GetAsync(path);
            response.StatusCode.Should().Be(HttpStatusCode.OK, $"{path} is served from the published folder");
        }

        (await http.GetStringAsync("/")).Should().Contain("<script src=\"lib/signalr.min.js\"");
        using var negotiate = await http.PostAsync("/hubs/chat/negotiate?negotiateVersion=1&user=alice", null);
        negotiate.StatusCode.Should().Be(HttpStatusCode.OK);
        File.Exists(Path.Combine(_output, "wwwroot", "package.json")).Should().BeFalse("only what the page needs is published");
        Directory.Exists(Path.Combine(_output, "wwwroot", "node_modules")).Should().BeFalse();
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);

    private async Task PublishAsync()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "publish", Path.Combine(Repository.Root, "Chat.Server", "Chat.Server.csproj"), "-c", "Release", "-o", _output, "--nologo" })
        {
            start.ArgumentList.Add(argument);
        }

        using var publish = Process.Start(start)!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var error = publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        publish.ExitCode.Should().Be(0, $"dotnet publish succeeds:\n{await output}\n{await error}");
    }
}
