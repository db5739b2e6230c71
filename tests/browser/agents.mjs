// Walks "Adding Glip by RingCentral as a Channel" (shared/reference/ai-agent-glip-channel.txt),
// steps 1 to 4, with openglip's agent app as the AI-agent platform, in headless Chromium, against
// `openglip serve --demo` (its agent app has the sample "Travel Assistant", published, not
// connected):
//   0. the agent platform: sign in, the agent, Channels > Digital > RingCentral Glip, copy the
//      OAuth Redirect URI (with the stream id) from the Configurations tab;
//   1. the developer console: Create App, REST API App, 3-legged OAuth authorization code, the
//      redirect URI pasted, refresh tokens, Webhook Subscriptions + Read Accounts + Team
//      Messaging; the sandbox account's password; the Client ID and Client Secret;
//   2. the agent platform: Application Key and Application Secret pasted, Save;
//   3. the sandbox's admin portal: + Add User, Add Users without Phone, "Travel App" (and Pat, who
//      will talk to it), activated; the agent platform: Authorize → sign-in → Access Request →
//      back; Enable Channel: Yes, Save → Active;
//   4. Pat, in the web client, DMs Travel App "Hello" and the agent answers.
// Every page is saved to $OPENGLIP_SCREENSHOTS (default ci-artifacts/screenshots), prefixed
// "agents-". Environment: PLATFORM_URL, AGENTS_URL, DEMO_EMAIL, DEMO_PASSWORD; CHROMIUM.
// Ends with "N passed, 0 failed" (exit 0) or the failing step (exit 1).

import assert from 'node:assert/strict';
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {chromium} from 'playwright-core';

const need = (name, fallback) => {
    const v = process.env[name] || fallback;
    if (!v) {
        console.error(`missing environment variable ${name}`);
        process.exit(2);
    }
    return v;
};
const PLATFORM = need('PLATFORM_URL').replace(/\/+$/, '');
const AGENTS = need('AGENTS_URL').replace(/\/+$/, '');
const OWNER = need('DEMO_EMAIL', 'alice@acme.example');
const OWNER_PASSWORD = need('DEMO_PASSWORD', 'openglip-demo');
const SHOTS = need('OPENGLIP_SCREENSHOTS', 'ci-artifacts/screenshots');
const SANDBOX_PASSWORD = 'Sandbox-Pa55word';
mkdirSync(SHOTS, {recursive: true});

const browser = await chromium.launch({
    executablePath: need('CHROMIUM', '/usr/bin/chromium'),
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
});
// The agent platform's owner, the developer, and Pat: three people, three browsers.
const owner = await (await browser.newContext({viewport: {width: 1280, height: 900}})).newPage();
const dev = await (await browser.newContext({viewport: {width: 1280, height: 900}})).newPage();
const pat = await (await browser.newContext({viewport: {width: 1280, height: 900}})).newPage();
for (const p of [owner, dev, pat]) p.setDefaultTimeout(15000);

let shots = 0;
async function shot(p, name) {
    shots += 1;
    const file = path.join(SHOTS, `agents-${String(shots).padStart(2, '0')}-${name}.png`);
    await p.screenshot({path: file, fullPage: true});
    console.log(`     screenshot ${file}`);
}
const heading = (p, name) => p.getByRole('heading', {name}).first().waitFor();

/// Adds a user without a phone in the admin portal and activates them with the link; their email.
async function addUser(first, last, email, password) {
    await dev.goto(`${PLATFORM}/admin`);
    await dev.getByRole('link', {name: '+ Add User'}).click();
    await heading(dev, 'Add Users without Phone');
    await dev.getByLabel('First name', {exact: true}).fill(first);
    await dev.getByLabel('Last name', {exact: true}).fill(last);
    await dev.getByLabel('Email', {exact: true}).fill(email);
    await dev.getByRole('radio', {name: /Send an activation email/}).check();
    await shot(dev, `add-user-${first.toLowerCase()}`);
    await dev.getByRole('button', {name: 'Save & Enable'}).click();
    await dev.locator('#activation-link').waitFor();
    const link = (await dev.locator('#activation-link').textContent()).trim();
    const a = await dev.context().newPage();
    await a.goto(link);
    await heading(a, 'Activate your account');
    await a.getByLabel('Password', {exact: true}).fill(password);
    await a.getByLabel('Confirm password').fill(password);
    await a.getByRole('button', {name: 'Activate'}).click();
    await heading(a, "You're all set");
    await a.close();
}

const state = {};
const steps = [
    ['agent platform: sign in, the agent, Channels > Digital > RingCentral Glip', async () => {
        await owner.goto(`${AGENTS}/`);
        await heading(owner, 'Sign in');
        await owner.getByLabel('E-mail address').fill(OWNER);
        await owner.getByLabel('Password').fill(OWNER_PASSWORD);
        await owner.getByRole('button', {name: 'Sign in'}).click();
        await owner.getByRole('link', {name: 'Travel Assistant'}).click();
        await heading(owner, 'Talk to agent');
        await owner.getByLabel('Message').fill('Hello');
        await owner.getByRole('button', {name: 'Send'}).click();
        await owner.getByText("I'm the Travel Assistant").first().waitFor();
        await shot(owner, 'agent-talk-to-agent');
        await owner.getByRole('link', {name: 'Channels > Digital > RingCentral Glip'}).click();
        await owner.getByRole('tab', {name: 'Configurations'}).waitFor();
        state.redirectUri = await owner.locator('#redirect-uri').getAttribute('data-value');
        assert.match(state.redirectUri, /\/channels\/glip\/oauth\/st-[0-9a-f]{32}$/, 'the stream id is in the URI');
        await shot(owner, 'configurations-oauth-redirect-uri');
    }],
    ['step 1: the developer console creates the REST API app', async () => {
        await dev.goto(`${PLATFORM}/console`);
        await dev.getByLabel('Email or phone number').fill(OWNER);
        await dev.getByLabel('Password').fill(OWNER_PASSWORD);
        await dev.getByRole('button', {name: 'Sign in'}).click();
        await heading(dev, 'Apps');
        await dev.goto(`${PLATFORM}/console/apps/new`);
        await heading(dev, 'Create App');
        await dev.getByRole('radio', {name: /REST API App/}).check();
        await dev.getByLabel('App name').fill('Travel Agent');
        await dev.getByLabel('Primary contact').fill(OWNER);
        await dev.getByRole('checkbox', {name: /3-legged OAuth flow authorization code/}).check();
        await dev.getByRole('radio', {name: /Server-side web app/}).check();
        await dev.getByLabel('OAuth Redirect URI').fill(state.redirectUri);
        await dev.getByRole('radio', {name: /^Yes\b/}).check();
        for (const perm of ['Webhook Subscriptions', 'Read Accounts', 'Team Messaging']) {
            await dev.getByRole('checkbox', {name: new RegExp(`^${perm}`)}).check();
        }
        await shot(dev, 'console-create-app');
        await dev.getByRole('button', {name: 'Create'}).click();
        await heading(dev, 'Your sandbox account');
        await dev.getByLabel('Sandbox administrator password').fill(SANDBOX_PASSWORD);
        await dev.getByLabel('Confirm password').fill(SANDBOX_PASSWORD);
        await dev.getByRole('button', {name: 'Next'}).click();
        await heading(dev, 'Application Credentials');
        await dev.locator('[data-reveal="client-secret"]').click();
        state.clientSecret = (await dev.locator('#client-secret').textContent()).trim();
        state.clientId = (await dev.locator('#client-id').textContent()).trim();
        await shot(dev, 'console-app-credentials');
        await dev.getByRole('link', {name: 'Apps', exact: true}).first().click();
        const card = dev.locator('.card', {has: dev.getByRole('heading', {name: 'Your sandbox account'})});
        state.mainNumber = (await card.locator('code').first().textContent()).trim();
    }],
    ['step 2: Application Key and Application Secret pasted, Save', async () => {
        await owner.getByLabel('Application Key').fill(state.clientId);
        await owner.getByLabel('Application Secret').fill(state.clientSecret);
        await owner.getByRole('radio', {name: 'Sandbox'}).check();
        await shot(owner, 'configurations-key-and-secret');
        await owner.getByRole('button', {name: 'Save'}).first().click();
        await owner.getByText('Saved.').waitFor();
    }],
    ['step 3: the sandbox admin portal adds Travel App and Pat without a phone', async () => {
        await dev.goto(`${PLATFORM}/admin`);
        await dev.getByLabel('Email or phone number').fill(state.mainNumber);
        await dev.getByLabel('Extension').fill('101');
        await dev.getByLabel('Password').fill(SANDBOX_PASSWORD);
        await dev.getByRole('button', {name: 'Sign in'}).click();
        await heading(dev, 'Users with Extension');
        await addUser('Travel', 'App', 'travel-app@sandbox.example', 'Travel-Pa55word');
        await addUser('Pat', 'Person', 'pat@sandbox.example', 'Pat-Pa55word');
        await dev.goto(`${PLATFORM}/admin`);
        await dev.getByText('Travel App').first().waitFor();
        await shot(dev, 'admin-users');
    }],
    ['step 3(b): Authorize → sign-in → Access Request → back', async () => {
        await owner.getByRole('button', {name: 'Authorize'}).click();
        await heading(owner, 'Sign in');
        await shot(owner, 'oauth-sign-in');
        await owner.getByLabel('Email or phone number').fill('travel-app@sandbox.example');
        await owner.getByLabel('Password').fill('Travel-Pa55word');
        await owner.getByRole('button', {name: 'Sign in'}).click();
        await heading(owner, 'Access Request');
        await shot(owner, 'oauth-access-request');
        await owner.getByRole('button', {name: 'Authorize'}).click();
        await owner.getByText('Authorized: the access token was obtained.').waitFor();
        await owner.getByText('Authorized as').waitFor();
        await shot(owner, 'configurations-authorized');
    }],
    ['step 3(b): Enable Channel: Yes, Save → Active', async () => {
        await owner.getByRole('radio', {name: 'Yes'}).check();
        await owner.locator('form[action$="/enable"]').getByRole('button', {name: 'Save'}).click();
        await owner.getByText('The channel is enabled').waitFor();
        await owner.locator('.pill', {hasText: 'Active'}).waitFor();
        await shot(owner, 'configurations-enabled-active');
    }],
    ['step 4: Pat DMs Travel App "Hello" in the web client and the agent answers', async () => {
        await pat.goto(`${PLATFORM}/`);
        await pat.fill('#f-login', 'pat@sandbox.example');
        await pat.fill('#f-password', 'Pat-Pa55word');
        await Promise.all([pat.waitForURL(`${PLATFORM}/`), pat.click('button[type=submit]')]);
        await pat.waitForSelector('#rail-list');
        await pat.click('.plus summary');
        await pat.click('text=New direct message');
        await pat.fill('#dm-q', 'Travel');
        const result = pat.locator('#people-results .person', {hasText: 'Travel App'});
        await result.waitFor();
        await Promise.all([pat.waitForURL(/\/c\/\d+$/), result.click()]);
        await pat.waitForSelector('#app[data-live="1"]', {timeout: 15000});
        await pat.fill('#composer-text', 'Hello');
        await pat.press('#composer-text', 'Enter');
        await pat.locator('#timeline li.post .text', {hasText: "I'm the Travel Assistant"}).first().waitFor({timeout: 20000});
        await shot(pat, 'web-client-hello-answered');
        await pat.fill('#composer-text', 'book a flight from Boston to Denver tomorrow for 2');
        await pat.press('#composer-text', 'Enter');
        await pat.locator('#timeline li.post .text', {hasText: 'Shall I book 2 seat(s) from Boston to Denver'}).first().waitFor({timeout: 20000});
        await pat.fill('#composer-text', 'yes');
        await pat.press('#composer-text', 'Enter');
        await pat.locator('#timeline li.post .text', {hasText: /booking reference is TA-/}).first().waitFor({timeout: 20000});
        await shot(pat, 'web-client-booking');
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
        for (const [p, n] of [[owner, 'owner'], [dev, 'developer'], [pat, 'pat']]) {
            try {
                await shot(p, `failure-${n}`);
            } catch {
                // no page to show
            }
        }
        break;
    }
}
await browser.close();
console.log(`${passed} passed, ${failed ? 1 : 0} failed`);
process.exit(failed ? 1 : 0);
