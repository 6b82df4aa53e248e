using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;

namespace Chat.Server.Accounts;

/// <summary>
/// The random values accounts hand out (refresh tokens, invite codes, one-time passwords, session ids) and the hash
/// the store keeps of them: the framework's cryptographic generator and SHA-256, nothing of our own. A value with 128
/// or more random bits needs no slow hash; only passwords, which people choose, get <c>PasswordHasher</c>.
/// </summary>
public static class Secrets
{
    /// <summary>A refresh token: 256 random bits, URL-safe.</summary>
    public static string NewToken() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    /// <summary>A session id: 128 random bits.</summary>
    public static string NewSession() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));

    /// <summary>An invite code: 128 random bits in 26 letters and digits (no look-alikes), easy to paste into a form.</summary>
    public static string NewCode() => RandomNumberGenerator.GetString("abcdefghjkmnpqrstuvwxyz23456789", 26);

    /// <summary>A one-time password: 20 letters and digits (about 100 bits), to be changed at first sign-in.</summary>
    public static string NewPassword() => RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789", 20);

    /// <summary>What the store keeps of a token or code: its SHA-256, URL-safe base64.</summary>
    public static string Hash(string value) => WebEncoders.Base64UrlEncode(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value)));
}
