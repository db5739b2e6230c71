// A team's incoming webhooks in the web client (headless Chromium): Alice makes a team with Bob,
// opens its details page, adds a webhook, copies its URL with the Copy button (read back from
// the clipboard), and a service posts through it in both formats; the posts appear in the
// conversation, live for Bob; Alice suspends the webhook (the URL refuses) and deletes it.
// Screenshots go to $OPENGLIP_SCREENSHOTS (default ci-artifacts/screenshots), named webhooks-*.
//
// Environment: OPENGLIP_SERVER; ALICE_EMAIL, BOB_EMAIL, PASSWORD; CHROMIUM.
// Ends with "N passed, 0 failed" (exit 0) or the failing step (exit 1).

import assert from 'node:assert/strict';
import {mkdirSync} from 'node:fs';
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
const ALICE = env('ALICE_EMAIL');
const BOB = env('BOB_EMAIL');
const PASSWORD = env('PASSWORD');
const SHOTS = env('OPENGLIP_SCREENSHOTS', 'ci-artifacts/screenshots');
mkdirSync(SHOTS, {recursive: true});

const browser = await chromium.launch({executablePath: env('CHROMIUM', '/usr/bin/chromium'), args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']});
let passed = 0;
const shot = (page, name) => page.screenshot({path: path.join(SHOTS, `webhooks-${name}.png`), fullPage: true});
const refused = [];

async function step(name, fn) {
    const t = Date.now();
    try {
        await fn();
        passed++;
        console.log(`ok   ${name} (${Date.now() - t} ms)`);
    } catch (e) {
        console.log(`FAIL ${name}\n${e.stack || e}`);
        throw e;
    }
}

async function person(email) {
    const context = await browser.newContext({viewport: {width: 1280, height: 900}, locale: 'en-US'});
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], {origin: SERVER});
    context.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) refused.push(`${email}: ${msg.text()}`);
    });
    const page = await context.newPage();
    page.on('dialog', (d) => d.accept());
    page.on('pageerror', (e) => console.log(`page error (${email}): ${e.message}`));
    await page.goto(SERVER + '/');
    await page.fill('#f-login', email);
    await page.fill('#f-password', PASSWORD);
    await Promise.all([page.waitForURL(SERVER + '/'), page.click('button[type=submit]')]);
    await page.waitForSelector('#rail-list');
    return {context, page};
}

async function hook(url, payload) {
    const res = await fetch(url, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: JSON.stringify(payload)});
    return [res.status, await res.json().catch(() => null)];
}

const alice = await person(ALICE);
const bob = await person(BOB);
let chat = '';
let url = '';

try {
    await step('Alice makes a team with Bob; its details page has no webhook yet', async () => {
        const page = alice.page;
        await page.goto(SERVER + '/new/team');
        await page.fill('#f-name', 'Deploys');
        await page.fill('#f-members', BOB);
        await Promise.all([page.waitForURL(/\/c\/\d+$/), page.click('button:has-text("Create team")')]);
        chat = page.url().replace(/.*\/c\//, '');
        await page.goto(`${SERVER}/c/${chat}/details`);
        await page.locator('#webhooks h2', {hasText: 'Incoming webhooks (0)'}).waitFor();
        await bob.page.goto(`${SERVER}/c/${chat}`);
        await bob.page.waitForSelector('#app[data-live="1"]', {timeout: 15000});
    });

    await step('Add webhook shows its URL once, and Copy puts it on the clipboard', async () => {
        const page = alice.page;
        await Promise.all([page.waitForURL(`${SERVER}/c/${chat}/webhooks`), page.click('#webhooks button:has-text("Add webhook")')]);
        const field = page.locator('#new-webhook-url');
        url = await field.inputValue();
        assert.ok(url.startsWith(`${SERVER}/webhook/v2/`), url);
        await page.click('#new-webhook button[data-copy]');
        const copied = await page.evaluate(() => navigator.clipboard.readText());
        assert.equal(copied, url);
        await page.locator('#webhooks h2', {hasText: 'Incoming webhooks (1)'}).waitFor();
        await shot(page, '01-new-webhook');
    });

    await step('a service posts through the URL in both formats; Bob sees the posts live', async () => {
        assert.deepEqual(await hook(url, {text: 'Deploy **42** done', activity: 'CD', title: 'prod'}), [200, {status: 'OK'}]);
        assert.equal((await hook(url.replace('/webhook/v2/', '/webhook/'), {icon: 'https://example.com/i.png', activity: 'Jira', body: 'PROJ-7 moved to Done'}))[0], 200);
        await bob.page.locator('#timeline', {hasText: 'PROJ-7 moved to Done'}).waitFor({timeout: 15000});
        await bob.page.locator('#timeline strong', {hasText: '42'}).waitFor();
        await shot(bob.page, '02-posts-live');
    });

    await step('listed afterwards without its URL; suspended, the URL refuses; deleted', async () => {
        const page = alice.page;
        await page.goto(`${SERVER}/c/${chat}/details`);
        assert.equal(await page.locator('#new-webhook-url').count(), 0, 'the URL is not shown again');
        const row = page.locator('#webhooks li[data-webhook]');
        assert.match(await row.innerText(), /Active/);
        await Promise.all([page.waitForURL(/\/details/), row.locator('button', {hasText: 'Suspend'}).click()]);
        assert.match(await page.locator('#webhooks li[data-webhook]').innerText(), /Suspended/);
        await shot(page, '03-suspended');
        const [status, body] = await hook(url, {text: 'refused'});
        assert.equal(status, 403);
        assert.match(body.message, /suspended/);
        await Promise.all([page.waitForURL(/\/details/), page.locator('#webhooks li[data-webhook] button', {hasText: 'Delete'}).click()]);
        await page.locator('#webhooks h2', {hasText: 'Incoming webhooks (0)'}).waitFor();
        assert.equal((await hook(url, {text: 'gone'}))[0], 404);
    });

    assert.deepEqual(refused, [], 'nothing refused by the content security policy');
    console.log(`${passed} passed, 0 failed`);
} finally {
    await browser.close();
}
