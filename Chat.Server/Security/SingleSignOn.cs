using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;

namespace Chat.Server.Security;

/// <summary>
/// OpenID Connect single sign-on (SPEC section 13): JwtBearer with the provider as its authority, which fetches the
/// provider's discovery document and signing keys, caches them, and fetches them again when a token names a key it
/// does not know (a rotation). Access tokens must be RS256 or ES256, from the provider's issuer, for
/// <c>Chat:Auth:Audience</c>, and alive.
/// </summary>
internal static class SingleSignOn
{
    public static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.EcdsaSha256];

    public static void Configure(JwtBearerOptions jwt, AuthOptions auth)
    {
        var authority = new Uri(auth.Authority!);
        jwt.Authority = auth.Authority;
        jwt.Audience = auth.Audience;

        // http:// only on loopback (the options validator refuses it elsewhere): a development provider.
        jwt.RequireHttpsMetadata = authority.Scheme == Uri.UriSchemeHttps;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidAlgorithms = Algorithms,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidAudience = auth.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = ChatTokens.ClockSkew,
            NameClaimType = ChatTokens.NameClaim,
            RoleClaimType = ChatTokens.RoleClaim,
        };
    }

    /// <summary>
    /// The provider's user as Chat's: claim <c>name</c> from <c>Chat:Auth:NameClaim</c> (the provider's own <c>name</c>,
    /// a display name, is dropped), and role <c>admin</c> when <c>roles</c> or <c>role</c> holds <c>Chat:Auth:AdminRole</c>
    /// (as separate claims or one JSON array). Other claims (<c>sub</c>, <c>exp</c>...) stay.
    /// </summary>
    public static ClaimsPrincipal AsChatUser(ClaimsPrincipal principal, AuthOptions auth)
    {
        var claims = principal.Claims.Where(claim => claim.Type is not (ChatTokens.NameClaim or ChatTokens.RoleClaim or "roles")).ToList();
        if (principal.FindFirst(auth.NameClaim)?.Value is { Length: > 0 } name)
        {
            claims.Add(new Claim(ChatTokens.NameClaim, name));
        }

        var roles = principal.Claims.Where(claim => claim.Type is "roles" or "role").SelectMany(claim => RolesIn(claim.Value));
        if (roles.Contains(auth.AdminRole, StringComparer.Ordinal))
        {
            claims.Add(new Claim(ChatTokens.RoleClaim, ChatTokens.AdminRole));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, principal.Identity?.AuthenticationType ?? JwtBearerDefaults.AuthenticationScheme, ChatTokens.NameClaim, ChatTokens.RoleClaim));
    }

    private static string[] RolesIn(string value)
    {
        if (!value.StartsWith('['))
        {
            return [value];
        }

        try
        {
            return JsonSerializer.Deserialize<string[]>(value) ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
