using System.Diagnostics;
using System.Text;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ConsoleClient;

/// <summary>
/// The console client as a real process that keeps running (<see cref="DotnetProcess"/> runs one to its end): lines are typed
/// into its standard input while it runs, and its output is recorded line by line, so a test can await what it prints.
/// </summary>
internal sealed class ConsoleProcess : IAsyncDisposable
{
    private const string Client = "Chat.Client.Console.dll";

    private readonly Process _process;
    private readonly StringBuilder _errors = new();

    private ConsoleProcess(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, Client));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is not null)
            {
                Output.WriteLine(line.Data);
            }
        };
        _process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }

            lock (_errors)
            {
                _errors.AppendLine(line.Data);
            }
        };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public RecordedOutput Output { get; } = new();

    /// <summary>What it wrote to standard error so far.</summary>
    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    /// <summary>Starts the interactive client for <paramref name="user"/> and returns once it says it is connected.</summary>
    public static async Task<ConsoleProcess> StartAsync(Uri server, string user)
    {
        var console = new ConsoleProcess(["--url", server.ToString(), "--user", user]);
        try
        {
            await console.Output.LineAsync(line => line.StartsWith("* connected to ", StringComparison.Ordinal));
            return console;
        }
        catch (TimeoutException)
        {
            await console.DisposeAsync();
            throw new TimeoutException($"The console did not connect. Its errors:\n{console.Errors}");
        }
    }

    /// <summary>Types a line and Enter.</summary>
    public void Type(string line)
    {
        _process.StandardInput.Write(line + "\n");
        _process.StandardInput.Flush();
    }

    /// <summary>Ends its input (Ctrl+D) and returns its exit code.</summary>
    public async Task<int> EndAsync()
    {
        _process.StandardInput.Close();
        await _process.WaitForExitAsync().DefaultTimeout();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().DefaultTimeout();
        }

        _process.Dispose();
        Output.Dispose();
    }
}
