// A real OpenID Connect provider (npm oidc-provider) on loopback, for the web sign-in tests.
//
// Configured by environment variables, started by the pytest fixture in tests/web/oidc.py:
//   PORT           port to listen on (127.0.0.1)
//   CLIENT_ID      the one client; public (PKCE, no secret), as the service's web sign-in uses
//   REDIRECT_URI   the client's redirect URI; POST_LOGOUT_URI its post-logout redirect URI
//   ACCOUNTS       JSON: {"<sub>": {"email": ..., "kommunkod": ..., "roles": [...], "name": ...}}
//   CODE_TTL       seconds an authorization code lives (default 60)
// Sign-in uses the provider's own development login page: any account id, any password.
import Provider from "oidc-provider";

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.ACCOUNTS || "{}");

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.CLIENT_ID,
      token_endpoint_auth_method: "none",
      redirect_uris: [process.env.REDIRECT_URI],
      post_logout_redirect_uris: [process.env.POST_LOGOUT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "kommunkod", "roles"],
  },
  conformIdTokenClaims: false, // the ID token carries the claims, as the service reads them
  findAccount: async (ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, ...(accounts[id] || {}) }),
  }),
  ttl: { AuthorizationCode: Number(process.env.CODE_TTL || 60) },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ["test-only-cookie-key"] },
});
provider.proxy = false;
provider.listen(port, "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
