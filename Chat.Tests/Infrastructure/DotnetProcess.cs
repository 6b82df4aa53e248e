using System.Diagnostics;

namespace Chat.Tests.Infrastructure;

/// <summary>One of the solution's programs run to its end as a real process (<c>dotnet X.dll</c>): the truest view of exit codes and stderr.</summary>
internal static class DotnetProcess
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Runs <paramref name="dll"/> (beside the tests) with <paramref name="arguments"/>, <paramref name="input"/> as its whole standard input, and waits for it to exit.</summary>
    public static async Task<Result> RunAsync(string dll, IEnumerable<string> arguments, string input = "", IDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        try
        {
            await process.WaitForExitAsync().WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {dll} did not exit in time. Output so far:\n{await output}\n{await error}");
        }

        return new Result(process.ExitCode, await output, await error);
    }
}
