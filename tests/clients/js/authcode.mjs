// The authorization-code flow with PKCE through RingCentral's own JavaScript SDK:
// platform.loginUrl({usePKCE: true}) → openglip's sign-in and Access Request pages (driven here
// with fetch, as a browser would: cookies, the CSRF field, redirects not followed) → the code at
// the redirect URI → platform.login({code}) → an API call → platform.refresh() → logout.
//
// Environment: OPENGLIP_SERVER, OPENGLIP_CLIENT_ID, OPENGLIP_CLIENT_SECRET,
// OPENGLIP_REDIRECT_URI, OPENGLIP_USER_EMAIL, OPENGLIP_USER_PASSWORD.
// Ends with "N passed, 0 failed" (exit 0), or the failing step (exit 1).

import assert from 'node:assert/strict';
import {createRequire} from 'node:module';
import {browser, input} from './pages.mjs';

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
const PASSWORD = env('OPENGLIP_USER_PASSWORD');

const sdk = new SDK({
    server: SERVER,
    clientId: env('OPENGLIP_CLIENT_ID'),
    clientSecret: env('OPENGLIP_CLIENT_SECRET'),
    redirectUri: REDIRECT_URI,
    appName: 'openglip-authcode',
    appVersion: '1.0.0',
});
const platform = sdk.platform();

const {browse, post} = browser(SERVER);

let code;
let firstAccess;
const steps = [
    ['loginUrl with PKCE names the app, S256 challenge and redirect URI', async () => {
        const url = platform.loginUrl({usePKCE: true, state: 'js-sdk-state'});
        const u = new URL(url);
        assert.equal(u.origin + u.pathname, `${SERVER}/restapi/oauth/authorize`);
        assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
        assert.equal(u.searchParams.get('redirect_uri'), REDIRECT_URI);
        const page = await browse(url);
        assert.equal(page.status, 200);
        assert.match(page.body, /Sign in/);
        globalThis.q = input(page.body, 'q');
    }],
    ['sign-in page accepts the user', async () => {
        const res = await post('/oauth/signin', {q: globalThis.q, login: EMAIL, password: PASSWORD});
        assert.equal(res.status, 303, res.body);
        globalThis.consent = res.location;
    }],
    ['Access Request page: Authorize redirects with code and state', async () => {
        const page = await browse(globalThis.consent);
        assert.equal(page.status, 200);
        assert.match(page.body, /Access Request/);
        const res = await post('/oauth/consent', {q: input(page.body, 'q'), decision: 'allow'});
        assert.equal(res.status, 303);
        const back = new URL(res.location);
        assert.equal(back.origin + back.pathname, REDIRECT_URI);
        assert.equal(back.searchParams.get('state'), 'js-sdk-state');
        code = back.searchParams.get('code');
        assert.ok(code);
    }],
    ['platform.login({code}) exchanges the code with the PKCE verifier', async () => {
        const res = await platform.login({code, redirect_uri: REDIRECT_URI});
        const t = await res.json();
        assert.equal(typeof t.expires_in, 'number');
        assert.equal(t.token_type, 'bearer');
        assert.ok(t.refresh_token);
        assert.ok(await platform.loggedIn());
        firstAccess = (await platform.auth().data()).access_token;
    }],
    ['the token calls the API as the user', async () => {
        const me = await (await platform.get('/restapi/v1.0/account/~/extension/~')).json();
        assert.equal(me.contact.email, EMAIL);
        const chats = await (await platform.get('/team-messaging/v1/chats', {type: 'Everyone'})).json();
        assert.equal(chats.records[0].type, 'Everyone');
    }],
    ['platform.refresh() rotates the pair', async () => {
        await platform.refresh();
        const data = await platform.auth().data();
        assert.notEqual(data.access_token, firstAccess);
        const me = await (await platform.get('/restapi/v1.0/account/~/extension/~')).json();
        assert.equal(me.contact.email, EMAIL);
    }],
    ['a reused code is refused', async () => {
        const res = await fetch(`${SERVER}/restapi/oauth/token`, {
            method: 'POST',
            headers: {'content-type': 'application/x-www-form-urlencoded', authorization: platform.basicAuthHeader()},
            body: new URLSearchParams({grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI}),
        });
        assert.equal(res.status, 400);
        assert.equal((await res.json()).error, 'invalid_grant');
    }],
    ['logout revokes', async () => {
        await platform.logout();
        assert.equal(await platform.loggedIn(), false);
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
