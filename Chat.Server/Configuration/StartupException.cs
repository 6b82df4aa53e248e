namespace Chat.Server.Configuration;

/// <summary>A problem that stops the server from starting, told in one line (its message) with exit code 1.</summary>
public sealed class StartupException(string message, Exception? innerException = null) : Exception(message, innerException);
