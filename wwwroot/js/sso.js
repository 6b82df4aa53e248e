// OpenID Connect single sign-on (SPEC section 13) through oidc-client-ts (lib/oidc-client-ts.min.js, pinned in
// package-lock.json): the authorization code flow with PKCE at the provider's own login page, the access token
// renewed with the refresh token before it expires (no reload), and sign-out at the provider. The user is kept in
// localStorage, so that other tabs and reloads are signed in too.

/** Seconds before expiry at which the access token is renewed. */
const RENEW_BEFORE_SECONDS = 60;

export class SingleSignOn {
  /**
   * @param {{ authority: string, clientId: string, scopes: string, resource: string|null, nameClaim: string }} config from auth/config
   * @param {{ signedOut: (message: string) => void }} handlers
   */
  constructor(config, handlers) {
    const here = new URL(".", location.href).href;
    const resource = config.resource ? { resource: config.resource } : {};
    this.nameClaim = config.nameClaim || "preferred_username";
    this.manager = new oidc.UserManager({
      authority: config.authority,
      client_id: config.clientId,
      redirect_uri: here,
      silent_redirect_uri: new URL("silent.html", here).href,
      post_logout_redirect_uri: here,
      response_type: "code",
      scope: config.scopes,
      extraQueryParams: resource,
      extraTokenParams: resource,
      automaticSilentRenew: true,
      accessTokenExpiringNotificationTimeInSeconds: RENEW_BEFORE_SECONDS,
      userStore: new oidc.WebStorageStateStore({ store: window.localStorage }),
    });
    this.user = null;
    this.manager.events.addUserLoaded((user) => (this.user = user));
    this.manager.events.addUserUnloaded(() => {
      this.user = null;
      handlers.signedOut("You signed out.");
    });
    this.manager.events.addSilentRenewError(() => {
      this.user = null;
      handlers.signedOut("Your sign-in has ended; sign in again.");
    });
  }

  /** The provider's name for the button: its host. */
  get provider() {
    return new URL(this.manager.settings.authority).host;
  }

  get userName() {
    return this.user ? String(this.user.profile[this.nameClaim] || this.user.profile.sub) : "";
  }

  /** Back from the provider (?code=...), or signed in already (this or another tab): true when signed in. */
  async resume() {
    const query = new URLSearchParams(location.search);
    if (query.has("code") && query.has("state")) {
      try {
        this.user = await this.manager.signinRedirectCallback();
      } finally {
        // The code is spent either way: out of the address bar and the history.
        history.replaceState(null, "", location.pathname);
      }
      return true;
    }
    this.user = await this.manager.getUser();
    if (this.user && this.user.expired) return this.renew();
    return this.user !== null;
  }

  async renew() {
    try {
      this.user = await this.manager.signinSilent();
      return this.user !== null;
    } catch {
      await this.manager.removeUser();
      return false;
    }
  }

  /** The access token for the next connection, renewed first when it is about to expire; null when signed out. */
  async token() {
    if (this.user && this.user.expires_in < RENEW_BEFORE_SECONDS) await this.renew();
    return this.user ? this.user.access_token : null;
  }

  signIn() {
    return this.manager.signinRedirect();
  }

  signOut() {
    return this.manager.signoutRedirect({ id_token_hint: this.user && this.user.id_token });
  }
}
