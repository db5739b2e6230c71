// Walks "Adding Glip by RingCentral as a Channel" (shared/reference/ai-agent-glip-channel.txt),
// steps 1 to 3, through openglip's pages in headless Chromium, as a person would:
//   1. the developer signs in to the console, creates a REST API app (3-legged authorization
//      code, server-side, redirect URI, refresh tokens, Webhook Subscriptions + Read Accounts +
//      Team Messaging) and sets the password of the sandbox account that comes with it;
//   2. reads the app's Client ID and Client Secret (revealed on click);
//   3. signs in to the sandbox's admin portal, adds a user without a phone (activation link),
//      adds an unassigned extension and assigns it to the agent's user with a pre-assigned
//      password (Save & Enable); then the agent platform authorizes that user: the
//      authorization-code flow with PKCE through the sign-in and Access Request pages, the code
//      exchanged, the API called with the token, the token refreshed.
// Along the way, the first hour as a new person tries it: no page's content security policy
// refuses anything (no console error on any page visited), the activation page leads on to
// signing in, and Disable asks for confirmation.
// Every page is saved to $OPENGLIP_SCREENSHOTS (default ci-artifacts/screenshots).
//
// Environment: OPENGLIP_SERVER, OPENGLIP_DEV_EMAIL, OPENGLIP_DEV_PASSWORD; CHROMIUM (default
// /usr/bin/chromium). Ends with "N passed, 0 failed" (exit 0) or the failing step (exit 1).

import assert from 'node:assert/strict';
import {createHash, randomBytes} from 'node:crypto';
import {mkdirSync} from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import {chromium} from 'playwright-core';

function env(name, fallback) {
    const value = process.env[name] || fallback;
    if (!value) {
        console.error(`missing environment variable ${name}`);
        process.exit(2);
    }
    return value;
}

const SERVER = env('OPENGLIP_SERVER').replace(/\/+$/, '');
const DEV_EMAIL = env('OPENGLIP_DEV_EMAIL');
const DEV_PASSWORD = env('OPENGLIP_DEV_PASSWORD');
const SHOTS = env('OPENGLIP_SCREENSHOTS', 'ci-artifacts/screenshots');
const SANDBOX_PASSWORD = 'Sandbox-Pa55word';
const AGENT_EMAIL = 'hr-assistant@sandbox.example';
const AGENT_PASSWORD = 'Agent-Pa55word';
mkdirSync(SHOTS, {recursive: true});

// The AI agent platform's OAuth redirect URI: a real local server that shows a page.
let received = null;
const platformServer = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://localhost');
    if (u.pathname === '/glip/callback') {
        received = Object.fromEntries(u.searchParams);
        res.writeHead(200, {'content-type': 'text/html; charset=utf-8'});
        res.end(`<!doctype html><html><head><title>Agent platform</title><style>
            body{font:16px system-ui,sans-serif;background:#f4f6f9;display:grid;place-items:center;height:100vh;margin:0}
            div{background:#fff;border:1px solid #dfe3ea;border-radius:12px;padding:2rem 2.5rem;box-shadow:0 4px 16px rgba(0,0,0,.06)}
            h1{font-size:1.3rem;margin:0 0 .5rem;color:#0f8a4b}</style></head>
            <body><div><h1>&#10003; Authorization complete</h1><p>RingCentral Glip channel: the code was received; the platform exchanges it for a token.</p></div></body></html>`);
    } else {
        res.writeHead(404);
        res.end();
    }
});
await new Promise((r) => platformServer.listen(0, '127.0.0.1', r));
const REDIRECT_URI = `http://127.0.0.1:${platformServer.address().port}/glip/callback?streamid=st-4f1e2`;

const browser = await chromium.launch({
    executablePath: env('CHROMIUM', '/usr/bin/chromium'),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
// What the content security policy refused on any page of a context ("Refused to apply inline
// style … Content Security Policy", a console error), and the scripts' uncaught errors; checked
// by the last step. (A 4xx page, such as a form shown again with its errors, is a console error
// too, but not one of these.)
const consoleErrors = [];
function watchConsole(ctx) {
    ctx.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) {
            consoleErrors.push(`${msg.page() ? msg.page().url() : '?'}: ${msg.text()}`);
        }
    });
    ctx.on('weberror', (e) => consoleErrors.push(`page error: ${e.error().message}`));
}
const context = await browser.newContext({viewport: {width: 1280, height: 860}});
watchConsole(context);
const page = await context.newPage();
page.setDefaultTimeout(15000);

let shot = 0;
async function screenshot(p, name) {
    shot += 1;
    const file = path.join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`);
    await p.screenshot({path: file, fullPage: true});
    console.log(`     screenshot ${file}`);
}
async function expectHeading(p, text) {
    await p.getByRole('heading', {name: text}).first().waitFor();
}

const state = {};
const steps = [
    ['console: sign in', async () => {
        await page.goto(`${SERVER}/console`);
        await expectHeading(page, 'Developer Console');
        await screenshot(page, 'console-sign-in');
        await page.getByLabel('Email or phone number').fill(DEV_EMAIL);
        await page.getByLabel('Password').fill(DEV_PASSWORD);
        await page.getByRole('button', {name: 'Sign in'}).click();
        await expectHeading(page, 'Apps');
        await page.getByText('Create your first app').first().waitFor();
        await screenshot(page, 'console-apps-empty');
    }],
    ['console: Create App shows errors in place', async () => {
        await page.getByRole('link', {name: 'Create App'}).first().click();
        await expectHeading(page, 'Create App');
        await page.getByRole('button', {name: 'Create'}).click();
        await page.getByText('Enter an app name').waitFor();
        await screenshot(page, 'create-app-errors');
    }],
    ['console: create the REST API app', async () => {
        await page.goto(`${SERVER}/console/apps/new`);
        await expectHeading(page, 'Create App');
        await page.getByRole('radio', {name: /REST API App/}).check();
        await page.getByLabel('App name').fill('Kore AI Agent');
        await page.getByLabel('App description (optional)').fill('AI agent channel: listens to and answers team messages.');
        await page.getByLabel('Primary contact').fill(DEV_EMAIL);
        await page.getByRole('checkbox', {name: /3-legged OAuth flow authorization code/}).check();
        await page.getByRole('radio', {name: /Server-side web app/}).check();
        await page.getByLabel('OAuth Redirect URI').fill(REDIRECT_URI);
        await page.getByRole('radio', {name: /^Yes\b/}).check();
        for (const perm of ['Webhook Subscriptions', 'Read Accounts', 'Team Messaging']) {
            await page.getByRole('checkbox', {name: new RegExp(`^${perm}`)}).check();
        }
        await screenshot(page, 'create-app-form');
        await page.getByRole('button', {name: 'Create'}).click();
    }],
    ['console: set the sandbox account password', async () => {
        await expectHeading(page, 'Your sandbox account');
        await screenshot(page, 'sandbox-account');
        await page.getByLabel('Sandbox administrator password').fill(SANDBOX_PASSWORD);
        await page.getByLabel('Confirm password').fill(SANDBOX_PASSWORD);
        await page.getByRole('button', {name: 'Next'}).click();
        await expectHeading(page, 'Kore AI Agent');
    }],
    ['console: read Client ID and Client Secret', async () => {
        await page.getByRole('heading', {name: 'Application Credentials'}).waitFor();
        const secret = page.locator('#client-secret');
        assert.match(await secret.textContent(), /^•+$/, 'the secret starts hidden');
        await page.locator('[data-reveal="client-secret"]').click();
        state.clientSecret = (await secret.textContent()).trim();
        state.clientId = (await page.locator('#client-id').textContent()).trim();
        assert.equal(state.clientSecret.length, 43);
        assert.ok(state.clientId.length >= 20);
        await screenshot(page, 'app-credentials');
    }],
    ['console: the sandbox account card names its phone number', async () => {
        await page.getByRole('link', {name: 'Apps', exact: true}).first().click();
        await page.getByRole('heading', {name: 'Your sandbox account'}).waitFor();
        const card = page.locator('.card', {has: page.getByRole('heading', {name: 'Your sandbox account'})});
        state.mainNumber = (await card.locator('code').first().textContent()).trim();
        assert.match(state.mainNumber, /^\+1650\d{7}$/);
        await screenshot(page, 'console-apps');
    }],
    ['admin portal: sign in to the sandbox', async () => {
        await page.goto(`${SERVER}/admin`);
        await expectHeading(page, 'Admin Portal');
        await page.getByLabel('Email or phone number').fill(state.mainNumber);
        await page.getByLabel('Extension').fill('101');
        await page.getByLabel('Password').fill(SANDBOX_PASSWORD);
        await screenshot(page, 'admin-sign-in');
        await page.getByRole('button', {name: 'Sign in'}).click();
        await expectHeading(page, 'Users with Extension');
        await screenshot(page, 'admin-users');
    }],
    ['admin portal: + Add User, Add Users without Phone (activation email)', async () => {
        await page.getByRole('link', {name: '+ Add User'}).click();
        await expectHeading(page, 'Add Users without Phone');
        await page.getByLabel('First name', {exact: true}).fill('Priya');
        await page.getByLabel('Last name', {exact: true}).fill('Shah');
        await page.getByLabel('Email', {exact: true}).fill('priya@sandbox.example');
        await page.getByRole('radio', {name: /Send an activation email/}).check();
        await screenshot(page, 'add-user-without-phone');
        await page.getByRole('button', {name: 'Save & Enable'}).click();
        await page.locator('#activation-link').waitFor();
        state.activation = (await page.locator('#activation-link').textContent()).trim();
        assert.match(state.activation, /\/activate\?token=/);
        await screenshot(page, 'user-added-activation-link');
    }],
    ['the new user activates with the emailed link', async () => {
        const p = await context.newPage();
        await p.goto(state.activation);
        await expectHeading(p, 'Activate your account');
        await p.getByLabel('Password', {exact: true}).fill('Priya-Pa55word');
        await p.getByLabel('Confirm password').fill('Priya-Pa55word');
        await screenshot(p, 'activate-account');
        await p.getByRole('button', {name: 'Activate'}).click();
        await expectHeading(p, "You're all set");
        // The page leads on to signing in: followed in Priya's own browser (this one is the
        // administrator's, signed in already), she signs in with her new password.
        const href = await p.getByRole('link', {name: 'Sign in'}).getAttribute('href');
        await p.close();
        const own = await browser.newContext({viewport: {width: 1100, height: 820}});
        watchConsole(own);
        const q = await own.newPage();
        await q.goto(new URL(href, state.activation).href);
        await expectHeading(q, 'Sign in to openglip');
        await q.getByLabel('Email or phone number').fill('priya@sandbox.example');
        await q.getByLabel('Password').fill('Priya-Pa55word');
        await q.getByRole('button', {name: 'Sign in'}).click();
        await q.locator('#rail-list').waitFor();
        await screenshot(q, 'activated-signed-in');
        await own.close();
    }],
    ['admin portal: Unassigned Extensions, Add Unassigned Ext, assign it (Save & Enable)', async () => {
        await page.getByRole('link', {name: 'Unassigned Extensions'}).click();
        await expectHeading(page, 'Unassigned Extensions');
        await page.getByRole('button', {name: '+ Add Unassigned Ext'}).click();
        await page.getByText('was added').waitFor();
        await screenshot(page, 'unassigned-extensions');
        await page.getByRole('link', {name: 'Assign', exact: true}).first().click();
        await page.getByRole('heading', {name: 'User profile information'}).waitFor();
        await page.getByLabel('First name', {exact: true}).fill('HR');
        await page.getByLabel('Last name', {exact: true}).fill('Assistant');
        await page.getByLabel('Email', {exact: true}).fill(AGENT_EMAIL);
        await page.getByRole('radio', {name: /^Pre-assigned credentials/}).check();
        await page.getByLabel('Password (pre-assigned credentials)').fill(AGENT_PASSWORD);
        await screenshot(page, 'user-profile-information');
        await page.getByRole('button', {name: 'Save & Enable'}).click();
        await page.getByText('was added and enabled').waitFor();
        await screenshot(page, 'user-saved-and-enabled');
        await page.getByRole('link', {name: 'Users with Extension'}).click();
        await page.getByText('HR Assistant').waitFor();
        await screenshot(page, 'admin-users-after');
    }],
    ['admin portal: Disable asks first; Cancel keeps the person, confirming disables them', async () => {
        await page.getByRole('link', {name: 'Priya Shah'}).first().click();
        await page.getByRole('heading', {name: 'User profile information'}).waitFor();
        await page.getByRole('button', {name: 'Disable', exact: true}).first().click();
        const ask = page.getByRole('dialog', {name: 'Disable Priya Shah?'});
        await ask.waitFor();
        await screenshot(page, 'disable-confirmation');
        await ask.getByRole('button', {name: 'Cancel'}).click();
        await ask.waitFor({state: 'hidden'});
        assert.equal(await page.getByText('The user is disabled').count(), 0, 'Cancel disables nobody');
        await page.getByRole('button', {name: 'Disable', exact: true}).first().click();
        await ask.getByRole('button', {name: 'Disable', exact: true}).click();
        await page.getByText('The user is disabled').waitFor();
        await screenshot(page, 'user-disabled');
        await page.getByRole('link', {name: 'Users with Extension'}).click();
    }],
    ['authorize: sign-in page (PKCE, S256)', async () => {
        state.verifier = randomBytes(48).toString('base64url');
        const challenge = createHash('sha256').update(state.verifier).digest('base64url');
        const q = new URLSearchParams({
            response_type: 'code', client_id: state.clientId, redirect_uri: REDIRECT_URI,
            state: 'kore-7', code_challenge: challenge, code_challenge_method: 'S256',
        });
        state.authorizeUrl = `${SERVER}/restapi/oauth/authorize?${q}`;
        // The agent platform's user has no openglip session in their browser.
        state.agent = await browser.newContext({viewport: {width: 1100, height: 820}});
        watchConsole(state.agent);
        state.agentPage = await state.agent.newPage();
        await state.agentPage.goto(state.authorizeUrl);
        await expectHeading(state.agentPage, 'Sign in');
        await state.agentPage.getByText('Kore AI Agent').first().waitFor();
        await screenshot(state.agentPage, 'oauth-sign-in');
        await state.agentPage.getByLabel('Email or phone number').fill(AGENT_EMAIL);
        await state.agentPage.getByLabel('Password').fill('wrong-password');
        await state.agentPage.getByRole('button', {name: 'Sign in'}).click();
        await state.agentPage.getByText('The login or password is incorrect.').waitFor();
        await screenshot(state.agentPage, 'oauth-sign-in-error');
        await state.agentPage.getByLabel('Password').fill(AGENT_PASSWORD);
        await state.agentPage.getByRole('button', {name: 'Sign in'}).click();
    }],
    ['authorize: Access Request page, Authorize', async () => {
        const p = state.agentPage;
        await expectHeading(p, 'Access Request');
        for (const perm of ['Team Messaging', 'Read Accounts', 'Webhook Subscriptions']) {
            await p.locator('.perms').getByText(perm, {exact: true}).waitFor();
        }
        await screenshot(p, 'access-request');
        await p.getByRole('button', {name: 'Authorize'}).click();
        await p.getByText('Authorization complete').waitFor();
        await screenshot(p, 'redirected-to-platform');
        assert.ok(received && received.code, 'the platform received a code');
        assert.equal(received.state, 'kore-7');
        assert.equal(received.streamid, 'st-4f1e2');
    }],
    ['exchange the code (with the verifier) and call the API', async () => {
        const basic = 'Basic ' + Buffer.from(`${state.clientId}:${state.clientSecret}`).toString('base64');
        const res = await fetch(`${SERVER}/restapi/oauth/token`, {
            method: 'POST',
            headers: {'content-type': 'application/x-www-form-urlencoded', authorization: basic},
            body: new URLSearchParams({grant_type: 'authorization_code', code: received.code,
                redirect_uri: REDIRECT_URI, code_verifier: state.verifier}),
        });
        const t = await res.json();
        assert.equal(res.status, 200, JSON.stringify(t));
        assert.equal(t.scope, 'TeamMessaging ReadAccounts SubscriptionWebhook');
        state.token = t;
        const me = await (await fetch(`${SERVER}/restapi/v1.0/account/~/extension/~`, {headers: {authorization: `Bearer ${t.access_token}`}})).json();
        assert.equal(me.contact.email, AGENT_EMAIL);
        assert.equal(me.name, 'HR Assistant');
        const chats = await fetch(`${SERVER}/team-messaging/v1/chats`, {headers: {authorization: `Bearer ${t.access_token}`}});
        assert.equal(chats.status, 200);
        state.basic = basic;
    }],
    ['refresh the token', async () => {
        const res = await fetch(`${SERVER}/restapi/oauth/token`, {
            method: 'POST',
            headers: {'content-type': 'application/x-www-form-urlencoded', authorization: state.basic},
            body: new URLSearchParams({grant_type: 'refresh_token', refresh_token: state.token.refresh_token}),
        });
        const t = await res.json();
        assert.equal(res.status, 200, JSON.stringify(t));
        assert.notEqual(t.access_token, state.token.access_token);
        const me = await fetch(`${SERVER}/restapi/v1.0/account/~/extension/~`, {headers: {authorization: `Bearer ${t.access_token}`}});
        assert.equal(me.status, 200);
        const old = await fetch(`${SERVER}/restapi/v1.0/account/~/extension/~`, {headers: {authorization: `Bearer ${state.token.access_token}`}});
        assert.equal(old.status, 401);
    }],
    ['authorize again: "Continue as" with "Use another account"', async () => {
        const p = state.agentPage;
        await p.goto(state.authorizeUrl.replace('kore-7', 'kore-8'));
        await p.getByRole('link', {name: 'Continue as HR'}).waitFor();
        await p.getByRole('link', {name: 'Use another account'}).waitFor();
        await screenshot(p, 'oauth-continue-as');
    }],
    ['console: usage and production requirements', async () => {
        await page.goto(`${SERVER}/console`);
        await page.getByRole('link', {name: 'Kore AI Agent'}).click();
        await page.getByRole('link', {name: 'Usage & production'}).click();
        await expectHeading(page, 'Usage & production');
        await page.getByRole('heading', {name: 'Graduation requirements'}).waitFor();
        await screenshot(page, 'usage-and-production');
    }],
    ['admin portal: the authorized app is listed', async () => {
        await page.goto(`${SERVER}/admin/apps`);
        await expectHeading(page, 'Apps');
        await page.getByText('Kore AI Agent').waitFor();
        await screenshot(page, 'admin-apps');
    }],
    ['no page refused anything under its content security policy, no script error', async () => {
        assert.deepEqual(consoleErrors, [], consoleErrors.join('\n'));
    }],
];

let passed = 0;
let failed = false;
for (const [name, run] of steps) {
    try {
        await run();
        passed++;
        console.log(`ok   ${name}`);
    } catch (e) {
        failed = true;
        console.log(`FAIL ${name}`);
        console.log(e && e.stack ? e.stack : e);
        try {
            await screenshot(state.agentPage && name.startsWith('authorize') ? state.agentPage : page, 'failure');
        } catch {
            // no page to show
        }
        break;
    }
}
await browser.close();
platformServer.close();
console.log(`${passed} passed, ${failed ? 1 : 0} failed`);
process.exit(failed ? 1 : 0);
