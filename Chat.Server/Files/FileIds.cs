using System.Security.Cryptography;

namespace Chat.Server.Files;

/// <summary>File ids: 128 random bits as 32 lower-case hex digits, so that knowing one file's address tells nothing of another's.</summary>
public static class FileIds
{
    public const int Length = 32;

    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    /// <summary>Whether <paramref name="id"/> has the shape of a file id (checked before it reaches a path or an object key).</summary>
    public static bool IsValid(string? id) => id is { Length: Length } && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
