using System.Runtime.InteropServices;

namespace Chat.Tests.Infrastructure;

/// <summary>POSIX signals to a process the test started: how faults like a hang (SIGSTOP) are caused for real.</summary>
internal static class Signals
{
    public const int Term = 15;
    public const int Stop = 19;
    public const int Continue = 18;

    public static void Send(int pid, int signal)
    {
        if (Kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in the test project for one call
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
#pragma warning restore SYSLIB1054
}
