using System.Diagnostics;

namespace Chat.Bench;

/// <summary>Chat.Server started as its own process on a free loopback port, with a fresh SQLite file and no rate limit.</summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private BenchServer(Process process, string folder, Uri url)
    {
        _process = process;
        _folder = folder;
        Url = url;
    }

    public Uri Url { get; }

    /// <summary>Starts a server; <paramref name="settings"/> (e.g. <c>--Chat:Redis HOST:PORT</c>) override the defaults.</summary>
    public static async Task<BenchServer> StartAsync(CancellationToken cancellationToken, params string[] settings)
    {
        var folder = Directory.CreateTempSubdirectory("chat-bench-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "Chat.Server.dll"),
                     "--contentRoot", folder,
                     "--urls", "http://127.0.0.1:0",
                     "--ConnectionStrings:Chat", $"Data Source={Path.Combine(folder, "bench.db")}",
                     "--Chat:RateLimit:PerSecond", "0",
                     "--Logging:LogLevel:Default", "Warning",
                     "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information",
                 }.Concat(settings))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Chat.Server.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            const string Marker = "Now listening on: ";
            var at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                // Keep draining its output so the server never blocks on a full pipe.
                _ = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, cancellationToken);
                return new BenchServer(process, folder, new Uri(line[(at + Marker.Length)..].Trim()));
            }
        }

        throw new InvalidOperationException("Chat.Server exited before it listened.");
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
