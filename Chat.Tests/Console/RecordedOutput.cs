using System.Text;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ConsoleClient;

/// <summary>Standard output kept line by line, so a test can await the line it expects.</summary>
internal sealed class RecordedOutput : TextWriter
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _partial = new();
    private readonly List<string> _lines = [];
    private TaskCompletionSource _nextLine = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Every complete line written so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The first line, already written or still to come, that matches; lines printed from other threads may come in any order.</summary>
    public async Task<string> LineAsync(Func<string, bool> match)
    {
        try
        {
            return await FirstMatchAsync(match).DefaultTimeout();
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No matching line in time. The output was:\n{string.Join('\n', Lines)}");
        }
    }

    public Task<string> LineAsync(string exact) => LineAsync(line => line == exact);

    /// <summary>The message line (<c>[HH:mm] user: text</c>) ending with <paramref name="suffix"/>.</summary>
    public Task<string> MessageAsync(string suffix) => LineAsync(line => line.StartsWith('[') && line.EndsWith(suffix, StringComparison.Ordinal));

    /// <summary>The message line that is exactly <c>[HH:mm] </c> + <paramref name="body"/>, e.g. <c>#dev bob: hi</c>.</summary>
    public Task<string> MessageLineAsync(string body) => LineAsync(line => IsMessage(line) && line[8..] == body);

    /// <summary>Every message line so far without its <c>[HH:mm] </c>, in the order printed.</summary>
    public IReadOnlyList<string> MessageBodies => [.. Lines.Where(IsMessage).Select(line => line[8..])];

    private static bool IsMessage(string line) => line.Length > 8 && line[0] == '[' && line[6] == ']';

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value != '\n')
            {
                _partial.Append(value);
                return;
            }

            _lines.Add(_partial.ToString().TrimEnd('\r'));
            _partial.Clear();
            _nextLine.TrySetResult();
            _nextLine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private async Task<string> FirstMatchAsync(Func<string, bool> match)
    {
        while (true)
        {
            Task nextLine;
            lock (_gate)
            {
                if (_lines.FirstOrDefault(match) is { } line)
                {
                    return line;
                }

                nextLine = _nextLine.Task;
            }

            await nextLine;
        }
    }
}
