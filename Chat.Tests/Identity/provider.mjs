// A real OpenID Connect provider for the sign-in tests: oidc-provider (the certified Node.js implementation) on
// loopback, with its own login and consent pages (devInteractions: any name signs in, with any password), the
// authorization code flow with PKCE, refresh tokens, the device authorization grant, and JWT access tokens for the
// audience Chat checks. The test reads its address from the first line of standard output.
//
// Settings (one JSON argument): { port, audience, clientId, redirectUris, postLogoutRedirectUris, keys (private
// JWKs, the first signs), accessTokenSeconds, admins (user names given the admin role), adminRole }.
// POST /test/keys with { keys } puts new signing keys in place (a rotation); the issuer stays the same.
import http from "node:http";
import Provider from "oidc-provider";

const settings = JSON.parse(process.argv[2] || "{}");
const port = settings.port || 0;

let provider = null;
let issuer = "";

function configuration(keys) {
  return {
    clients: [
      {
        client_id: settings.clientId,
        token_endpoint_auth_method: "none",
        application_type: "web",
        redirect_uris: settings.redirectUris,
        post_logout_redirect_uris: settings.postLogoutRedirectUris || [],
        grant_types: ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"],
        response_types: ["code"],
      },
    ],
    jwks: { keys },
    pkce: { required: () => true },
    scopes: ["openid", "profile", "offline_access"],
    claims: { openid: ["sub"], profile: ["preferred_username", "name"] },
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true },
      revocation: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => settings.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({
          scope: "openid profile offline_access",
          audience: settings.audience,
          accessTokenTTL: settings.accessTokenSeconds || 300,
          accessTokenFormat: "jwt",
          jwt: { sign: { alg: keys[0].alg || "RS256" } },
        }),
      },
    },
    // Refresh tokens for the public client too (the page renews with them), rotated on use. (With a resource indicator
    // the code's scopes are the resource's, so offline_access is not looked for there.)
    issueRefreshToken: async (ctx, client) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: true,
    findAccount: async (ctx, id) => ({
      accountId: id,
      claims: async () => ({ sub: id, preferred_username: id, name: `${id} (display name)` }),
    }),
    // Chat reads the name and the roles from the access token.
    extraTokenClaims: async (ctx, token) =>
      token.kind === "AccessToken"
        ? { preferred_username: token.accountId, name: `${token.accountId} (display name)`, roles: (settings.admins || []).includes(token.accountId) ? [settings.adminRole] : [] }
        : undefined,
    ttl: { AccessToken: settings.accessTokenSeconds || 300, Session: 3600, Interaction: 600, Grant: 3600, RefreshToken: 3600, DeviceCode: 600 },
    cookies: { keys: ["test-cookie-key-0123456789"] },
  };
}

function start(keys) {
  provider = new Provider(issuer, configuration(keys));
  provider.proxy = false;
  // Errors are the tests' business; keep the output to the address line.
  provider.on("server_error", (ctx, error) => console.error(`server_error: ${error.message}`));
}

const server = http.createServer((request, response) => {
  if (request.method === "POST" && request.url === "/test/keys") {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      start(JSON.parse(body).keys);
      response.writeHead(204).end();
    });
    return;
  }
  provider.callback()(request, response);
});

server.listen(port, "127.0.0.1", () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  start(settings.keys);
  console.log(`listening ${issuer}`);
});
