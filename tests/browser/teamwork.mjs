// A chat's Tasks, Notes and Events tabs in the web client, used by two people in two browser
// contexts (headless Chromium): Alice makes a team with Bob, adds a task assigned to Bob (its
// card appears in the conversation, for Bob too without reloading), Bob completes it; Alice
// writes a draft note Bob does not see, publishes it, and it is posted as its card; Alice adds an
// event and its card is posted. Screenshots go to $OPENGLIP_SCREENSHOTS (default
// ci-artifacts/screenshots), named teamwork-*.
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

const browser = await chromium.launch({executablePath: env('CHROMIUM', '/usr/bin/chromium'), args: ['--no-sandbox']});
let passed = 0;
const shot = (page, name) => page.screenshot({path: path.join(SHOTS, `teamwork-${name}.png`), fullPage: true});
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

const live = (page) => page.waitForSelector('#app[data-live="1"]', {timeout: 15000});
const TEAM = 'Demo Day';
let chat = '';

const alice = await person(ALICE);
const bob = await person(BOB);

try {
    await step('Alice makes a team with Bob; the conversation shows its tabs', async () => {
        const page = alice.page;
        await page.goto(SERVER + '/new/team');
        await page.fill('#f-name', TEAM);
        await page.fill('#f-members', BOB);
        await Promise.all([page.waitForURL(/\/c\/\d+$/), page.click('button:has-text("Create team")')]);
        chat = page.url().replace(/.*\/c\//, '');
        for (const tab of ['Tasks', 'Notes', 'Events']) {
            await page.locator('nav.tabs a.tab', {hasText: tab}).waitFor();
        }
        await bob.page.goto(`${SERVER}/c/${chat}`);
        await live(bob.page);
    });

    await step('Alice adds a task for Bob in the Tasks tab', async () => {
        const page = alice.page;
        await page.click('nav.tabs a.tab:has-text("Tasks")');
        await page.waitForURL(`${SERVER}/c/${chat}/tasks`);
        assert.equal(await page.locator('nav.tabs a[aria-current="page"]').innerText(), 'Tasks');
        await page.fill('#task-subject', 'Rehearse the demo');
        await page.locator('#new-task label.check', {hasText: 'Bob'}).locator('input').check();
        await page.fill('#task-due', '2026-12-30');
        await page.fill('#task-description', 'Twice, with a timer');
        await Promise.all([page.waitForURL(`${SERVER}/c/${chat}/tasks`), page.click('#new-task button[type=submit]')]);
        const item = page.locator('#task-list li.task', {hasText: 'Rehearse the demo'});
        await item.waitFor();
        assert.match(await item.innerText(), /Pending/i);
        assert.match(await item.innerText(), /due 2026-12-30/);
        assert.match(await item.innerText(), /Assigned to Bob/);
        await shot(page, '01-tasks');
    });

    await step('the task is posted into the conversation as its card, live for Bob', async () => {
        const card = bob.page.locator('#timeline .att-task', {hasText: 'Rehearse the demo'});
        await card.waitFor({timeout: 15000});
        assert.match(await card.innerText(), /Pending/i);
        await shot(bob.page, '02-task-card');
    });

    await step('Bob completes the task; its card follows', async () => {
        const page = bob.page;
        await page.goto(`${SERVER}/c/${chat}/tasks`);
        const item = page.locator('#task-list li.task', {hasText: 'Rehearse the demo'});
        await Promise.all([page.waitForURL(`${SERVER}/c/${chat}/tasks`), item.locator('button', {hasText: 'Complete'}).click()]);
        await page.locator('#task-list li.task.done .status-badge', {hasText: 'Completed'}).waitFor();
        await shot(page, '03-task-completed');
        await alice.page.goto(`${SERVER}/c/${chat}`);
        const card = alice.page.locator('#timeline .att-task', {hasText: 'Rehearse the demo'});
        assert.match(await card.innerText(), /Completed/i);
    });

    await step('Alice writes a draft note; Bob does not see it', async () => {
        const page = alice.page;
        await page.goto(`${SERVER}/c/${chat}/notes`);
        await page.fill('#note-title', 'Demo script');
        await page.fill('#note-body', 'Open with the numbers, then the live part.');
        await Promise.all([page.waitForURL(`${SERVER}/c/${chat}/notes`), page.click('#new-note button[type=submit]')]);
        await page.locator('#note-list li.note', {hasText: 'Demo script'}).locator('.status-badge', {hasText: 'Draft'}).waitFor();
        await shot(page, '04-note-draft');
        await bob.page.goto(`${SERVER}/c/${chat}/notes`);
        assert.equal(await bob.page.locator('#note-list li.note').count(), 0, 'a draft is its writer\'s');
    });

    await step('Alice publishes it: Bob sees it, and its card is in the conversation', async () => {
        const page = alice.page;
        const item = page.locator('#note-list li.note', {hasText: 'Demo script'});
        await Promise.all([page.waitForURL(`${SERVER}/c/${chat}/notes`), item.locator('button', {hasText: 'Publish'}).click()]);
        await item.locator('.status-badge', {hasText: 'Active'}).waitFor();
        await bob.page.goto(`${SERVER}/c/${chat}/notes`);
        await bob.page.locator('#note-list li.note', {hasText: 'Demo script'}).waitFor();
        await bob.page.goto(`${SERVER}/c/${chat}`);
        const card = bob.page.locator('#timeline .att-note', {hasText: 'Demo script'});
        await card.waitFor();
        assert.match(await card.innerText(), /Open with the numbers/);
        await shot(bob.page, '05-note-card');
    });

    await step('Alice adds an event in the Events tab; its card is posted', async () => {
        const page = alice.page;
        await page.goto(`${SERVER}/c/${chat}/events`);
        await page.fill('#event-title', 'Dress rehearsal');
        await page.fill('#event-start', '2026-12-29T15:00');
        await page.fill('#event-end', '2026-12-29T16:30');
        await page.fill('#event-location', 'Room 4');
        await Promise.all([page.waitForURL(`${SERVER}/c/${chat}/events`), page.click('#new-event button[type=submit]')]);
        const item = page.locator('#event-list li.event', {hasText: 'Dress rehearsal'});
        await item.waitFor();
        assert.match(await item.innerText(), /2026-12-29 15:00 UTC – 2026-12-29 16:30 UTC/);
        assert.match(await item.innerText(), /Room 4/);
        await shot(page, '06-events');
        await page.goto(`${SERVER}/c/${chat}`);
        const card = page.locator('#timeline .att-event', {hasText: 'Dress rehearsal'});
        await card.waitFor();
        assert.match(await card.innerText(), /Room 4/);
        await shot(page, '07-conversation-cards');
    });

    await step('a task without a subject is refused with a message in place, nothing added', async () => {
        const page = alice.page;
        await page.goto(`${SERVER}/c/${chat}/tasks`);
        const before = await page.locator('#task-list li.task').count();
        await page.evaluate(() => document.getElementById('task-subject').removeAttribute('required'));
        const [res] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.click('#new-task button[type=submit]')]);
        assert.equal(res.status(), 400);
        await page.locator('#new-task [role=alert]').waitFor();
        await shot(page, '08-task-refused');
        await page.goto(`${SERVER}/c/${chat}/tasks`);
        assert.equal(await page.locator('#task-list li.task').count(), before);
    });

    assert.deepEqual(refused, [], 'nothing refused by the content security policy');
    console.log(`${passed} passed, 0 failed`);
} finally {
    await browser.close();
}
