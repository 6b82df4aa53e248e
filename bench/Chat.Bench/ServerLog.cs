using System.Text;

namespace Chat.Bench;

/// <summary>
/// What a server wrote to its standard output once it listened: lines and bytes, and its Error and Critical
/// entries (the console logger starts them with <c>fail:</c> and <c>crit:</c>, the message and any exception on
/// the indented lines after), the first few of them kept in full for the report.
/// </summary>
internal sealed class ServerLog
{
    private const int KeptEntries = 20;
    private const int KeptLinesPerEntry = 16;

    private readonly List<string> _entries = [];
    private StringBuilder? _current;
    private int _currentLines;
    private long _lines;
    private long _bytes;
    private long _errors;

    /// <summary>Lines written so far.</summary>
    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Bytes written so far (UTF-8, with the line ends).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Error and Critical entries written so far.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>The Error and Critical entries kept, oldest first, from index <paramref name="from"/> of those kept.</summary>
    public IReadOnlyList<string> Entries(int from)
    {
        lock (_entries)
        {
            return _entries.Skip(from).Append(_current?.ToString()).OfType<string>().ToList();
        }
    }

    /// <summary>How many entries are kept now, to ask <see cref="Entries"/> for the later ones.</summary>
    public int Kept
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Takes one line of the server's output (read by one loop).</summary>
    public void Add(string line)
    {
        Interlocked.Increment(ref _lines);
        Interlocked.Add(ref _bytes, Encoding.UTF8.GetByteCount(line) + 1);
        var error = line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal);
        if (error)
        {
            Interlocked.Increment(ref _errors);
        }

        lock (_entries)
        {
            // An entry's message and exception are indented; any other line ends it.
            if (_current is not null && (error || !line.StartsWith(' ')))
            {
                _entries.Add(_current.ToString());
                _current = null;
            }

            if (error && _entries.Count < KeptEntries)
            {
                _current = new StringBuilder(line);
                _currentLines = 1;
            }
            else if (_current is not null && _currentLines++ < KeptLinesPerEntry)
            {
                _current.Append('\n').Append(line);
            }
        }
    }
}
