// A standard OpenID Connect client library (oauth4webapi), unchanged, against riik's
// sign-in service: discovery, the code flow with PKCE and state and nonce, the ID
// token's checks (and its signature against the JWKS), userinfo, refresh, and logout
// (after which the refresh token is dead). The browser is fetch with a cookie jar; the
// citizen's app is `riik id approve`.
import * as oauth from "oauth4webapi";
import { readFileSync } from "node:fs";
import { AUTH, DIR, JAAK, SERVICE_A, Browser, approve, check, fail, pass } from "./lib.mjs";

const issuer = new URL(AUTH);
const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer));
check(as.code_challenge_methods_supported?.includes("S256"), "discovery does not offer S256");
pass("discovery: the library accepted the provider's metadata");

// The client: demo service A's registration (its secret is in riik up's directory).
const client = { client_id: "EE/GOV/70006317/demo-a" };
const clientAuth = oauth.ClientSecretBasic(readFileSync(`${DIR}/rp_a/client.secret`, "utf8").trim());
const redirectUri = `${SERVICE_A}/callback`;

const verifier = oauth.generateRandomCodeVerifier();
const state = oauth.generateRandomState();
const nonce = oauth.generateRandomNonce();
const authorize = new URL(as.authorization_endpoint);
for (const [k, v] of Object.entries({
  client_id: client.client_id, redirect_uri: redirectUri, response_type: "code", scope: "openid",
  state, nonce, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256",
})) authorize.searchParams.set(k, v);

// The person signs in with the app.
const browser = new Browser();
const { url: loginUrl, response: page } = await browser.follow(authorize.href);
check(loginUrl.startsWith(`${AUTH}/login/`), `the authorization request led to ${loginUrl}`);
const html = await page.text();
const csrf = html.match(/data-csrf="([^"]+)"/)?.[1];
check(csrf, "the sign-in page has no CSRF token");
const form = { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } };
await browser.go(`${loginUrl}/app`, { ...form, body: new URLSearchParams({ personal_code: "38001085718", csrf }) });
const code = (await (await browser.go(loginUrl)).text()).match(/id="verification-code">(\d{4})</)?.[1];
check(code, "no verification code on the page");
await approve(JAAK, code);
const done = await browser.go(`${loginUrl}/app/continue`, { ...form, body: new URLSearchParams({ csrf }) });
const callback = new URL(done.headers.get("location"));
check(callback.href.startsWith(redirectUri), `the sign-in ended at ${callback}`);

const params = oauth.validateAuthResponse(as, client, callback, state);
const tokenResponse = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, redirectUri, verifier);
const tokens = await oauth.processAuthorizationCodeResponse(as, client, tokenResponse, { expectedNonce: nonce, requireIdToken: true });
await oauth.validateApplicationLevelSignature(as, tokenResponse);
const claims = oauth.getValidatedIdTokenClaims(tokens);
check(claims.sub === "EE38001085718", `sub is ${claims.sub}`);
check(claims.acr === "substantial" && claims.amr?.[0] === "app", `acr/amr are ${claims.acr}/${claims.amr}`);
check(claims.profile_attributes?.date_of_birth === "1980-01-08", "profile_attributes are missing");
pass("the code flow with PKCE: the library validated the ID token (iss, aud, exp, nonce) and its RS256 signature");

const info = await oauth.processUserInfoResponse(as, client, claims.sub, await oauth.userInfoRequest(as, client, tokens.access_token));
check(info.profile_attributes?.family_name === "JÕEORG", `userinfo gave ${JSON.stringify(info)}`);
pass("userinfo: the same person");

const refreshed = await oauth.processRefreshTokenResponse(as, client,
  await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token));
check(refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token, "the refresh token was not rotated");
check(oauth.getValidatedIdTokenClaims(refreshed)?.sid === claims.sid, "the refreshed ID token is of another session");
try {
  await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token));
  fail("a used refresh token was accepted again");
} catch (error) {
  check(error.error === "invalid_grant", `a used refresh token: ${error.message}`);
}
pass("refresh: a new refresh token each time, the old one refused");

const end = new URL(as.end_session_endpoint);
end.searchParams.set("id_token_hint", refreshed.id_token);
end.searchParams.set("post_logout_redirect_uri", `${SERVICE_A}/`);
end.searchParams.set("state", "after-logout");
const out = await browser.go(end.href);
check(out.headers.get("location") === `${SERVICE_A}/?state=after-logout`, `logout sent the browser to ${out.headers.get("location")}`);
try {
  await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, clientAuth, refreshed.refresh_token));
  fail("a refresh token outlived the session's logout");
} catch (error) {
  check(error.error === "invalid_grant", `refresh after logout: ${error.message}`);
}
pass("logout: back to the registered URI with the state; the session's refresh token is dead");
