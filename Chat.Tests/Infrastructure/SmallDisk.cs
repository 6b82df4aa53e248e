using System.Diagnostics;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A tiny file system of its own (tmpfs, mounted by the test, which needs root) that a test can fill
/// to the last byte, so that the server meets a full disk for real.
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    private string Filler => System.IO.Path.Combine(Path, "filler");

    /// <summary>Mounts a new one of <paramref name="bytes"/>; skips the test (fails it in CI) where mounting is not allowed.</summary>
    public static SmallDisk Mount(long bytes)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "chat-tests", $"disk-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        var (exitCode, error) = Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", path);
        if (exitCode != 0)
        {
            Directory.Delete(path);
            var reason = $"mounting a tmpfs failed ({error.Trim()}); these tests need root";
            if (Prerequisite.InCi)
            {
                throw new InvalidOperationException($"CI=true and {reason}.");
            }

            Skip.If(true, reason);
        }

        return new SmallDisk(path);
    }

    /// <summary>Takes every free byte but <paramref name="leave"/>.</summary>
    public void Fill(long leave = 0)
    {
        FillAll();
        if (leave > 0)
        {
            using var filler = new FileStream(Filler, FileMode.Open, FileAccess.Write);
            filler.SetLength(Math.Max(0, filler.Length - leave));
        }
    }

    private void FillAll()
    {
        using var filler = new FileStream(Filler, FileMode.Append, FileAccess.Write);
        var block = new byte[4096];
        try
        {
            while (true)
            {
                filler.Write(block);
                filler.Flush(flushToDisk: true);
            }
        }
        catch (IOException)
        {
            // Full.
        }
    }

    /// <summary>Gives the space back.</summary>
    public void Free() => File.Delete(Filler);

    public void Dispose()
    {
        Run("umount", "-l", Path);
        Directory.Delete(Path, recursive: true);
    }

    private static (int ExitCode, string Error) Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }
}
