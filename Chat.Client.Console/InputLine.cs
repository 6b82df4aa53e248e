using System.Text;
using RadLine;
using Spectre.Console;
using Spectre.Console.Advanced;

namespace Chat.Client.Console;

/// <summary>
/// The line being typed at a terminal: RadLine's line editor, after a prompt that names the current conversation
/// (<c>#dev&gt; </c>, <c>@bob&gt; </c>), with Up and Down going through the lines typed before. Lines printed meanwhile
/// (<see cref="Above"/>) go above it, and the line is drawn again below them as it was: nothing is printed into it.
/// </summary>
/// <remarks>
/// RadLine draws only from its own loop, between keys; so a printed line waits in a queue that its input source
/// (this class, <see cref="IInputSource"/>) empties there, then hands the editor a key bound to nothing, which makes it
/// draw its line again. While no line is being read (a command is running), lines are printed at once.
/// </remarks>
internal sealed class InputLine : IInputSource, ILineEditorPrompt
{
    // No binding has it and it is no character: the editor does nothing with it but draw its line again.
    private static readonly ConsoleKeyInfo Redraw = new('\0', ConsoleKey.F24, shift: false, alt: false, control: false);

    private readonly IAnsiConsole _console;
    private readonly LineEditor _editor;
    private readonly Func<string> _conversation;
    private readonly Lock _gate = new();
    private readonly Queue<string> _waiting = new();
    private bool _reading;

    /// <param name="conversation">The current conversation, for the prompt: read each time the line is drawn.</param>
    public InputLine(IAnsiConsole console, Func<string> conversation)
    {
        _console = console;
        _conversation = conversation;
        _editor = new LineEditor(console, this) { Prompt = this };

        // Up and Down recall earlier lines (RadLine binds them to Ctrl+Up and Ctrl+Down); Ctrl+D on an empty line ends input.
        _editor.KeyBindings.Remove(ConsoleKey.UpArrow);
        _editor.KeyBindings.Remove(ConsoleKey.DownArrow);
        _editor.KeyBindings.Add<PreviousHistoryCommand>(ConsoleKey.UpArrow);
        _editor.KeyBindings.Add<NextHistoryCommand>(ConsoleKey.DownArrow);
        _editor.KeyBindings.Add(ConsoleKey.D, ConsoleModifiers.Control, () => new EndOfInput());
        Above = new AboveWriter(this);
    }

    /// <summary>Prints each line written to it above the line being typed.</summary>
    public TextWriter Above { get; }

    bool IInputSource.ByPassProcessing => true;

    /// <summary>The next line typed; null at Ctrl+D on an empty line, or when <paramref name="cancellationToken"/> fires.</summary>
    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _reading = true;
        }

        try
        {
            return await _editor.ReadLine(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C: what follows (a shell prompt) starts on a line of its own, not after the half-typed one.
            _console.WriteAnsi("\r\n");
            throw;
        }
        finally
        {
            lock (_gate)
            {
                _reading = false;
                PrintWaiting();
            }
        }
    }

    (Markup Markup, int Margin) ILineEditorPrompt.GetPrompt(ILineEditorState state, int line) =>
        (new Markup(Markup.Escape(Conversations.Display(_conversation()) + ">")), 1);

    bool IInputSource.IsKeyAvailable()
    {
        lock (_gate)
        {
            return _waiting.Count > 0 || global::System.Console.KeyAvailable;
        }
    }

    ConsoleKeyInfo IInputSource.ReadKey()
    {
        lock (_gate)
        {
            if (_waiting.Count > 0)
            {
                PrintWaiting();
                return Redraw;
            }
        }

        return global::System.Console.ReadKey(intercept: true);
    }

    private void Print(string line)
    {
        lock (_gate)
        {
            if (_reading)
            {
                _waiting.Enqueue(line);
            }
            else
            {
                _console.WriteAnsi(AtLineStarts(line) + "\r\n");
            }
        }
    }

    /// <summary>Prints the waiting lines over the line being typed (cleared first); the editor draws it again on the line below them.</summary>
    private void PrintWaiting()
    {
        var text = new StringBuilder();
        while (_waiting.TryDequeue(out var line))
        {
            text.Append("\r\u001b[2K").Append(AtLineStarts(line)).Append("\r\n");
        }

        if (text.Length > 0)
        {
            _console.WriteAnsi(text.ToString());
        }
    }

    // The terminal may be in raw mode while a key is read: each line break goes back to the line's start itself.
    private static string AtLineStarts(string text) => text.Replace("\n", "\r\n", StringComparison.Ordinal);

    /// <summary>Ctrl+D: ends input on an empty line, as at a shell; does nothing when something is typed.</summary>
    private sealed class EndOfInput : LineEditorCommand
    {
        public override void Execute(LineEditorContext context)
        {
            if (context.Buffer.Content.Length == 0)
            {
                context.Submit(SubmitAction.Cancel);
            }
        }
    }

    /// <summary>The lines written to it, each printed whole above the line being typed.</summary>
    private sealed class AboveWriter(InputLine input) : TextWriter
    {
        private readonly StringBuilder _partial = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_partial)
            {
                if (value == '\n')
                {
                    input.Print(_partial.ToString().TrimEnd('\r'));
                    _partial.Clear();
                }
                else
                {
                    _partial.Append(value);
                }
            }
        }

        public override void WriteLine(string? value)
        {
            lock (_partial)
            {
                input.Print(_partial.Append(value).ToString());
                _partial.Clear();
            }
        }
    }
}
