// The hidden frame's end of a silent renewal: hands the provider's answer to the page that asked for it.
const config = await (await fetch("auth/config")).json();
await new oidc.UserManager({ authority: config.authority, client_id: config.clientId, redirect_uri: new URL(".", location.href).href }).signinSilentCallback();
