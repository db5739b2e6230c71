// OpenID Connect through RingCentral's own JavaScript SDK: platform.loginUrl({usePKCE: true})
// with the `openid profile email` scope and a nonce added, as an app asks for them → openglip's
// sign-in and Access Request pages → platform.login({code}) → the answer's id_token, verified
// with Node's own crypto against the key set at /restapi/oauth/jwks (its kid, RS256), its
// claims (iss from the discovery document, aud, sub, nonce, exp) → userinfo through the SDK.
//
// Environment: OPENGLIP_SERVER, OPENGLIP_CLIENT_ID, OPENGLIP_CLIENT_SECRET,
// OPENGLIP_REDIRECT_URI, OPENGLIP_USER_EMAIL, OPENGLIP_USER_PASSWORD.
// Ends with "N passed, 0 failed" (exit 0), or the failing step (exit 1).

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {createRequire} from 'node:module';
import {approve, browser} from './pages.mjs';

const require = createRequire(import.meta.url);
const {SDK} = require('@ringcentral/sdk');

function env(name) {
    const value = process.env[name];
    if (!value) {
        console.error(`missing environment variable ${name}`);
        process.exit(2);
    }
    return value;
}

const SERVER = env('OPENGLIP_SERVER').replace(/\/+$/, '');
const REDIRECT_URI = env('OPENGLIP_REDIRECT_URI');
const EMAIL = env('OPENGLIP_USER_EMAIL');
const CLIENT_ID = env('OPENGLIP_CLIENT_ID');
const NONCE = crypto.randomBytes(16).toString('base64url');

const sdk = new SDK({
    server: SERVER,
    clientId: CLIENT_ID,
    clientSecret: env('OPENGLIP_CLIENT_SECRET'),
    redirectUri: REDIRECT_URI,
    appName: 'openglip-oidc',
    appVersion: '1.0.0',
});
const platform = sdk.platform();

const b64json = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

// A relying party's check of an ID token: the key named by its kid, RS256, the signature.
function verified(jwt, jwks) {
    const [h, p, s] = jwt.split('.');
    const header = b64json(h);
    assert.equal(header.alg, 'RS256');
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    assert.ok(jwk, `no published key ${header.kid}`);
    const key = crypto.createPublicKey({key: jwk, format: 'jwk'});
    const ok = crypto.verify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'));
    return ok ? b64json(p) : null;
}

let discovery;
let jwks;
let token;
const steps = [
    ['the discovery document names the endpoints and RS256', async () => {
        discovery = await (await fetch(`${SERVER}/.well-known/openid-configuration`)).json();
        assert.equal(discovery.issuer, SERVER);
        assert.equal(discovery.jwks_uri, `${SERVER}/restapi/oauth/jwks`);
        assert.ok(discovery.id_token_signing_alg_values_supported.includes('RS256'));
        assert.ok(discovery.scopes_supported.includes('openid'));
    }],
    ['loginUrl with PKCE, openid scope and nonce; sign-in and Access Request', async () => {
        const url = new URL(platform.loginUrl({usePKCE: true, state: 'oidc-state'}));
        url.searchParams.set('scope', 'openid profile email');
        url.searchParams.set('nonce', NONCE);
        const back = await approve(browser(SERVER), url.toString(), EMAIL, env('OPENGLIP_USER_PASSWORD'));
        assert.equal(back.searchParams.get('state'), 'oidc-state');
        const res = await platform.login({code: back.searchParams.get('code'), redirect_uri: REDIRECT_URI});
        token = await res.json();
        assert.ok(token.id_token, JSON.stringify(token));
    }],
    ['the id_token verifies against the published keys, with its claims', async () => {
        jwks = await (await fetch(discovery.jwks_uri)).json();
        const claims = verified(token.id_token, jwks);
        assert.ok(claims, 'the signature does not verify');
        assert.equal(claims.iss, discovery.issuer);
        assert.equal(claims.aud, CLIENT_ID);
        assert.equal(claims.sub, token.owner_id);
        assert.equal(claims.nonce, NONCE);
        assert.equal(claims.email, EMAIL);
        assert.equal(typeof claims.given_name, 'string');
        assert.equal(claims.exp - claims.iat, token.expires_in);
    }],
    ['a changed claim no longer verifies', async () => {
        const [h, p, s] = token.id_token.split('.');
        const forged = {...b64json(p), sub: '1'};
        const tampered = `${h}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${s}`;
        assert.equal(verified(tampered, jwks), null);
    }],
    ['userinfo through the SDK answers the same person', async () => {
        const info = await (await platform.get('/restapi/oauth/userinfo')).json();
        assert.equal(info.sub, token.owner_id);
        assert.equal(info.email, EMAIL);
    }],
];

let passed = 0;
for (const [name, run] of steps) {
    try {
        await run();
        passed++;
        console.log(`ok   ${name}`);
    } catch (e) {
        console.log(`FAIL ${name}`);
        console.log(e && e.stack ? e.stack : e);
        console.log(`${passed} passed, 1 failed`);
        process.exit(1);
    }
}
console.log(`${passed} passed, 0 failed`);
