using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Server.Security;

/// <summary>The HS256 tokens Chat accepts: claim <c>name</c> is the user, optional <c>role</c> (<c>admin</c> may /clear).</summary>
public static class ChatTokens
{
    public const string NameClaim = "name";
    public const string RoleClaim = "role";
    public const string AdminRole = "admin";

    /// <summary>How far the server's clock and the minter's may disagree: a token is refused this long after it expired, no longer.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    /// <summary>The longest lifetime <c>token --ttl</c> gives.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(30);

    public static SymmetricSecurityKey KeyOf(string signingKey) => new(Encoding.UTF8.GetBytes(signingKey));

    /// <summary>Mints a token for <paramref name="user"/>, valid for <paramref name="lifetime"/>, with <paramref name="more"/> claims if given.</summary>
    public static string Create(string signingKey, string user, bool admin, TimeSpan lifetime, DateTime? now = null, IEnumerable<Claim>? more = null)
    {
        var issuedAt = now ?? DateTime.UtcNow;
        var claims = new List<Claim> { new(NameClaim, user) };
        claims.AddRange(more ?? []);
        if (admin)
        {
            claims.Add(new Claim(RoleClaim, AdminRole));
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + lifetime,
            SigningCredentials = new SigningCredentials(KeyOf(signingKey), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>How the server checks a token: signature, HS256 only, lifetime; no issuer or audience.</summary>
    public static TokenValidationParameters ValidationFor(string signingKey) => new()
    {
        IssuerSigningKey = KeyOf(signingKey),
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        ValidateIssuerSigningKey = true,
        ValidateIssuer = false,
        ValidateAudience = false,
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = ClockSkew,
        NameClaimType = NameClaim,
        RoleClaimType = RoleClaim,
    };
}
