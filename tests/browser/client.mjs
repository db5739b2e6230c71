// The web client, used by two people in two browser contexts (headless Chromium):
//   Alice creates a team with Bob and posts; Bob sees the post appear without reloading; Bob
//   replies with an @mention of Alice (picked from completion); Alice, in another chat, sees the
//   team's unread count go up and, opening it, her name rendered; Alice edits and deletes posts
//   and Bob sees both; Bob loses the network, Alice posts meanwhile, Bob gets it after
//   reconnecting; Alice starts a direct message with a bot (SmartFriend) and gets its reply;
//   Alice starts a group chat with Bob and Carol (a wrong address explained in place) and renames
//   the team; Bob edits his profile and uploads a picture; dark mode follows the system; Carol
//   resets a forgotten password through the mail outbox; Bob searches from the rail and opens an
//   old message in its conversation, marked; Bob sets a chat's notifications (all messages, then
//   muted); Bob, whose session ends while he types, signs in again and finds his message still
//   typed.
// Then the load time of a conversation with 1,000 posts is measured (reported, not asserted).
// Screenshots go to $OPENGLIP_SCREENSHOTS (default ci-artifacts/screenshots), named client-*.
//
// Environment: OPENGLIP_SERVER; ALICE_EMAIL, BOB_EMAIL, PASSWORD; BOT_NAME; CHROMIUM.
// Ends with "N passed, 0 failed" (exit 0) or the failing step (exit 1).

import assert from 'node:assert/strict';
import {mkdirSync, writeFileSync} from 'node:fs';
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
const BOT_NAME = env('BOT_NAME', 'SmartFriend');
const SHOTS = env('OPENGLIP_SCREENSHOTS', 'ci-artifacts/screenshots');
mkdirSync(SHOTS, {recursive: true});

const browser = await chromium.launch({
    executablePath: env('CHROMIUM', '/usr/bin/chromium'),
    args: ['--no-sandbox'],
});
let passed = 0;
let failed = 0;
const shot = (page, name) => page.screenshot({path: path.join(SHOTS, `client-${name}.png`), fullPage: false});

async function step(name, fn) {
    const t = Date.now();
    try {
        await fn();
        passed++;
        console.log(`ok   ${name} (${Date.now() - t} ms)`);
    } catch (e) {
        failed++;
        console.log(`FAIL ${name}\n${e.stack || e}`);
        throw e;
    }
}

const refused = [];

async function person(email, viewport = {width: 1280, height: 800}) {
    const context = await browser.newContext({viewport, timezoneId: 'America/New_York', locale: 'en-US'});
    await context.grantPermissions(['notifications'], {origin: SERVER});
    // Desktop notifications are recorded (headless Chromium shows none).
    await context.addInitScript(() => {
        window.__notes = [];
        const Native = window.Notification;
        if (!Native) return;
        class Recorded extends Native {
            constructor(title, options) {
                window.__notes.push({title, body: options && options.body});
                super(title, options);
            }
        }
        Object.defineProperty(Recorded, 'permission', {get: () => Native.permission});
        Recorded.requestPermission = Native.requestPermission.bind(Native);
        window.Notification = Recorded;
    });
    // What the content security policy refuses (an inline style, say) is a console error.
    context.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) refused.push(`${email}: ${msg.text()}`);
    });
    const page = await context.newPage();
    page.on('dialog', (d) => d.accept());
    page.on('pageerror', (e) => console.log(`page error (${email}): ${e.message}`));
    return {context, page};
}

async function signIn(page, email) {
    await page.goto(SERVER + '/');
    await page.fill('#f-login', email);
    await page.fill('#f-password', PASSWORD);
    await Promise.all([page.waitForURL(SERVER + '/'), page.click('button[type=submit]')]);
    await page.waitForSelector('#rail-list');
}

// The page is live once its WebSocket subscription is up.
const live = (page) => page.waitForSelector('#app[data-live="1"]', {timeout: 15000});
const railLink = (page, name) => page.locator(`#rail-list a.chat[data-name="${name}"]`);
const postWith = (page, text) => page.locator('#timeline li.post', {has: page.locator('.text', {hasText: text})});

const alice = await person(ALICE);
const bob = await person(BOB);
let teamUrl = '';
const TEAM = 'Launch Crew';

try {
    await step('Alice and Bob sign in and see their rails', async () => {
        await signIn(alice.page, ALICE);
        await signIn(bob.page, BOB);
        for (const {page} of [alice, bob]) {
            for (const h of ['Direct Messages', 'Teams', 'Groups', 'Personal']) {
                await page.locator('.rail-sec h2', {hasText: h}).waitFor();
            }
        }
        await live(bob.page);
        await shot(alice.page, '01-home');
    });

    await step('Alice creates a team with Bob ("+" → New team, member picked by name)', async () => {
        const page = alice.page;
        await page.click('.plus summary');
        await page.click('text=New team');
        await page.fill('#f-name', TEAM);
        await page.fill('#f-description', 'Everything about the launch');
        await page.click('#f-members');
        await page.keyboard.type('Bob');
        await page.locator('#people-list-0 [role=option]', {hasText: 'Bob'}).first().waitFor();
        await page.keyboard.press('Enter');
        assert.match(await page.inputValue('#f-members'), /Bob .*<.*>/);
        await shot(page, '02-new-team');
        await Promise.all([page.waitForURL(/\/c\/\d+$/), page.click('button:has-text("Create team")')]);
        teamUrl = page.url();
        await page.locator('#conv-title', {hasText: TEAM}).waitFor();
        await live(page);
    });

    await step('Bob sees the new team in his rail without reloading', async () => {
        await bob.page.evaluate(() => (window.__noReload = true));
        await railLink(bob.page, TEAM).waitFor({timeout: 15000});
        await bob.page.click(`#rail-list a.chat[data-name="${TEAM}"]`);
        await bob.page.waitForURL(teamUrl);
        await live(bob.page);
        await bob.page.evaluate(() => (window.__noReload = true));
    });

    await step('Alice posts; Bob sees the post appear without reloading', async () => {
        await alice.page.fill('#composer-text', 'Hello **team**, the launch is on *Friday*');
        await alice.page.press('#composer-text', 'Enter');
        await postWith(alice.page, 'the launch is on').waitFor();
        const post = postWith(bob.page, 'the launch is on');
        await post.waitFor({timeout: 10000});
        assert.equal(await post.locator('.text strong').innerText(), 'team');
        assert.equal(await post.locator('.text em').innerText(), 'Friday');
        assert.equal(await bob.page.evaluate(() => window.__noReload), true, 'Bob\'s page was reloaded');
        // Shift+Enter makes a new line instead of sending.
        await alice.page.fill('#composer-text', 'line one');
        await alice.page.press('#composer-text', 'Shift+Enter');
        await alice.page.keyboard.type('line two');
        assert.equal(await alice.page.inputValue('#composer-text'), 'line one\nline two');
        await alice.page.fill('#composer-text', '');
        await shot(bob.page, '03-bob-sees-post');
    });

    await step('Alice moves to her personal chat', async () => {
        const personal = alice.page.locator('#rail-list [data-section=personal] button, #rail-list [data-section=personal] a.chat').first();
        await Promise.all([alice.page.waitForURL(/\/c\/\d+$/), personal.click()]);
        assert.notEqual(alice.page.url(), teamUrl);
        await live(alice.page);
    });

    await step('Bob replies with an @mention of Alice picked from completion', async () => {
        const page = bob.page;
        const post = postWith(page, 'the launch is on');
        await post.hover();
        await post.locator('[data-act=reply]').click();
        await page.locator('#replying').waitFor();
        await page.click('#composer-text');
        await page.keyboard.type('Thanks @Ali');
        await page.locator('#mention-list [role=option]', {hasText: 'Alice'}).first().waitFor();
        await shot(page, '04-mention-completion');
        await page.keyboard.press('Enter');
        assert.match(await page.inputValue('#composer-text'), /^Thanks @Alice \S+ $/);
        await page.keyboard.type('can you check the checklist?');
        await page.keyboard.press('Enter');
        const reply = postWith(page, 'can you check the checklist');
        await reply.waitFor();
        await reply.locator('.replyto').waitFor();
        assert.match(await reply.locator('.mention').innerText(), /^@Alice/);
    });

    await step('Alice sees the team\'s unread count go up, then her name rendered in the reply', async () => {
        const link = railLink(alice.page, TEAM);
        const badge = link.locator('.badge');
        await badge.waitFor({timeout: 10000});
        assert.equal(await badge.locator('[aria-hidden=true]').innerText(), '1');
        assert.match(await badge.getAttribute('class'), /strong/, 'a mention is highlighted');
        assert.match(await alice.page.title(), /^\(1\)/);
        // The mention also raised a desktop notification (the team was not open).
        const notes = await alice.page.evaluate(() => window.__notes);
        assert.ok(notes.some((n) => n.title.includes(TEAM) && /mentioned/.test(n.title) && /@Alice Adams can you check/.test(n.body)),
            JSON.stringify(notes));
        await shot(alice.page, '05-unread-count');
        await Promise.all([alice.page.waitForURL(teamUrl), link.click()]);
        const reply = postWith(alice.page, 'can you check the checklist');
        const mention = reply.locator('.mention.me');
        await mention.waitFor();
        assert.match(await mention.innerText(), /^@Alice /);
        assert.equal(await reply.locator('.text').innerText().then((t) => t.includes('![:Person]')), false);
        assert.equal(await railLink(alice.page, TEAM).locator('.badge').count(), 0, 'reading clears the count');
        // Timestamps are in the reader's time zone (America/New_York here), not UTC.
        const ts = await reply.locator('time').innerText();
        assert.doesNotMatch(ts, /UTC/);
        await live(alice.page);
        await shot(alice.page, '06-mention-rendered');
    });

    await step('Alice edits her post; Bob sees the change', async () => {
        const post = postWith(alice.page, 'the launch is on');
        await post.hover();
        await post.locator('[data-act=edit]').click();
        const editor = post.locator('.editor textarea');
        await editor.fill('Hello **team**, the launch moved to *Monday*');
        await editor.press('Enter');
        await postWith(alice.page, 'moved to').locator('.edited').waitFor();
        const seen = postWith(bob.page, 'moved to');
        await seen.waitFor({timeout: 10000});
        await seen.locator('.edited').waitFor();
        assert.equal(await postWith(bob.page, 'the launch is on').count(), 0);
        // Bob's reply quotes the edited text too.
        await bob.page.locator('li.post.reply .replyto', {hasText: 'moved to'}).waitFor({timeout: 10000});
        await shot(bob.page, '07-bob-sees-edit');
    });

    await step('Alice adds Carol from the team\'s details and removes her again; Bob sees both live', async () => {
        const page = alice.page;
        await Promise.all([page.waitForURL(/\/details$/), page.click('a:has-text("Details")')]);
        await page.click('#add-people');
        await page.keyboard.type('Car');
        await page.locator('[role=listbox] [role=option]', {hasText: 'Carol'}).first().waitFor();
        await page.keyboard.press('Enter');
        await Promise.all([page.waitForURL(/\/details$/), page.click('#add-members button[type=submit]')]);
        await page.locator('.members li', {hasText: 'Carol Chen'}).waitFor();
        await shot(page, '08-team-details');
        await bob.page.locator('#timeline li.post.system', {hasText: 'added Carol Chen'}).waitFor({timeout: 10000});
        await bob.page.locator('.conv-title .kind', {hasText: '3 members'}).waitFor({timeout: 10000});
        await Promise.all([
            page.waitForURL(/\/details$/),
            page.locator('.members li', {hasText: 'Carol Chen'}).locator('button:has-text("Remove")').click(),
        ]);
        assert.equal(await page.locator('.members li', {hasText: 'Carol Chen'}).count(), 0);
        await bob.page.locator('#timeline li.post.system', {hasText: 'removed Carol Chen'}).waitFor({timeout: 10000});
        await Promise.all([page.waitForURL(teamUrl), page.click('a.btn:has-text("Conversation")')]);
        await live(page);
    });

    await step('Alice deletes a post; Bob sees it go', async () => {
        await alice.page.fill('#composer-text', 'This one was a mistake');
        await alice.page.press('#composer-text', 'Enter');
        await postWith(bob.page, 'was a mistake').waitFor({timeout: 10000});
        const post = postWith(alice.page, 'was a mistake');
        await post.hover();
        await post.locator('[data-act=delete]').click();
        await post.waitFor({state: 'detached'});
        await postWith(bob.page, 'was a mistake').waitFor({state: 'detached', timeout: 10000});
    });

    await step('Bob loses the network; Alice posts meanwhile; Bob gets it after reconnecting', async () => {
        await bob.context.setOffline(true);
        await bob.page.locator('#conn[data-state=offline]').waitFor();
        await alice.page.fill('#composer-text', 'Posted while Bob was offline');
        await alice.page.press('#composer-text', 'Enter');
        await postWith(alice.page, 'while Bob was offline').waitFor();
        await shot(bob.page, '09-bob-offline');
        await bob.context.setOffline(false);
        await postWith(bob.page, 'while Bob was offline').waitFor({timeout: 20000});
        assert.equal(await bob.page.evaluate(() => window.__noReload), true, 'Bob\'s page was reloaded');
    });

    await step('Bob is away while more is said than the gateway keeps; after reconnecting he has all of it, and what was deleted is gone', async () => {
        // Over 100 notifications (the recovery buffer): the session cannot be recovered, the page
        // subscribes anew and re-reads the conversation.
        const doomed = postWith(bob.page, 'while Bob was offline');
        await doomed.waitFor();
        await bob.context.setOffline(true);
        await bob.page.locator('#conn[data-state=offline]').waitFor();
        const sent = await alice.page.evaluate(async (n) => {
            const app = document.getElementById('app');
            const headers = {'X-CSRF-Token': app.dataset.csrf, 'Content-Type': 'application/x-www-form-urlencoded'};
            let ok = 0;
            for (let i = 0; i < n; i++) {
                const body = new URLSearchParams({_csrf: app.dataset.csrf, text: `Backlog ${i}`});
                const r = await fetch(`/c/${app.dataset.chat}/posts`, {method: 'POST', headers, body});
                if (r.ok) ok++;
            }
            return ok;
        }, 120);
        assert.equal(sent, 120);
        const gone = postWith(alice.page, 'while Bob was offline');
        await gone.hover();
        await gone.locator('[data-act=delete]').click();
        await gone.waitFor({state: 'detached'});
        await bob.context.setOffline(false);
        await postWith(bob.page, 'Backlog 119').waitFor({timeout: 20000});
        await doomed.waitFor({state: 'detached', timeout: 10000});
        const backlog = await bob.page.locator('#timeline li.post .text', {hasText: /^Backlog \d+$/}).count();
        assert.ok(backlog >= 60, `only ${backlog} of the backlog shown`);
        const ids = await bob.page.$$eval('#timeline li.post', (lis) => lis.map((li) => Number(li.dataset.id)));
        assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'posts in order');
        assert.equal(new Set(ids).size, ids.length, 'no post twice');
    });

    await step('Bob on a phone-sized screen: the conversation fills it, the rail is one tap back', async () => {
        await bob.page.setViewportSize({width: 390, height: 844});
        assert.equal(await bob.page.locator('#rail').isVisible(), false);
        assert.equal(await bob.page.locator('#composer-text').isVisible(), true);
        await shot(bob.page, '10-phone-conversation');
        await bob.page.setViewportSize({width: 1280, height: 800});
    });

    await step('Keyboard: the skip link reaches the composer; post actions show on focus', async () => {
        const page = bob.page;
        // On a wide screen the composer has the focus when a conversation opens.
        await page.reload();
        assert.equal(await page.evaluate(() => document.activeElement.id), 'composer-text');
        await page.focus('a.skip');
        await page.keyboard.press('Enter');
        assert.equal(await page.evaluate(() => document.activeElement.id), 'composer-text');
        const reply = postWith(page, 'Backlog 119').locator('[data-act=reply]');
        await reply.focus();
        const opacity = await reply.evaluate((b) => getComputedStyle(b.closest('.actions')).opacity);
        assert.equal(opacity, '1');
        await page.keyboard.press('Enter');
        await page.locator('#replying:not([hidden])').waitFor();
        assert.equal(await page.evaluate(() => document.activeElement.id), 'composer-text');
        await page.keyboard.press('Escape');
        await page.locator('#replying').waitFor({state: 'hidden'});
    });

    await step(`Alice starts a direct message with ${BOT_NAME} and gets its reply`, async () => {
        const page = alice.page;
        await page.click('.plus summary');
        await page.click('text=New direct message');
        await page.fill('#dm-q', BOT_NAME.slice(0, 5));
        const result = page.locator('#people-results .person', {hasText: BOT_NAME});
        await result.waitFor();
        await Promise.all([page.waitForURL(/\/c\/\d+$/), result.click()]);
        await page.locator('#conv-title', {hasText: BOT_NAME}).waitFor();
        await live(page);
        await page.fill('#composer-text', 'Hello');
        await page.press('#composer-text', 'Enter');
        const mine = postWith(page, 'Hello');
        await mine.first().waitFor();
        const myId = Number(await mine.last().getAttribute('data-id'));
        const answer = page.locator('#timeline li.post', {has: page.locator('.tag', {hasText: 'Bot'})}).last();
        await page.waitForFunction((id) => Array.from(document.querySelectorAll('#timeline li.post'))
            .some((li) => Number(li.dataset.id) > id && li.querySelector('.tag')), myId, {timeout: 20000});
        assert.match(await answer.locator('.text').innerText(), /Nice to meet you|help/i);
        await shot(page, '11-bot-reply');
        // Seen here, so not unread once she moves on (even at once).
        await page.goto(teamUrl);
        await page.waitForTimeout(300);
        const rail = await (await page.request.get(SERVER + '/app/rail', {headers: {'x-requested-with': 'fetch'}})).text();
        const dm = rail.slice(rail.indexOf(`data-name="${BOT_NAME}"`));
        assert.doesNotMatch(dm.slice(0, dm.indexOf('</li>')), /class="badge/, 'the bot\'s reply stays unread');
    });

    await step('Alice starts a group chat with Bob and Carol ("+" → New group chat); a wrong address is explained in place', async () => {
        const page = alice.page;
        await page.click('.plus summary');
        await Promise.all([page.waitForURL(/\/new\/group$/), page.click('text=New group chat')]);
        await page.fill('#f-members', 'bob@acme.example, nobody@acme.example');
        await page.click('button:has-text("Start group chat")');
        await page.locator('#f-members-err', {hasText: 'Nobody in your company has the e-mail address nobody@acme.example.'}).waitFor();
        assert.equal(await page.getAttribute('#f-members', 'aria-invalid'), 'true');
        assert.equal(await page.inputValue('#f-members'), 'bob@acme.example, nobody@acme.example', 'what was typed stays');
        assert.equal(await page.locator('text=Parameter [').count(), 0, 'no API words on a page');
        await shot(page, '16-group-chat-error');
        await page.fill('#f-members', 'bob@acme.example, carol@acme.example');
        await Promise.all([page.waitForURL(/\/c\/\d+$/), page.click('button:has-text("Start group chat")')]);
        await page.locator('#conv-title', {hasText: 'Bob'}).waitFor();
        await page.locator('#conv-title', {hasText: 'Carol'}).waitFor();
        await live(page);
        await page.fill('#composer-text', 'A group of three');
        await page.press('#composer-text', 'Enter');
        await postWith(page, 'A group of three').waitFor();
        await page.locator('#rail-list [data-section=groups] a.chat').first().waitFor();
        await shot(page, '17-group-chat');
    });

    await step('Alice renames the team from its details (an empty name is refused in place)', async () => {
        const page = alice.page;
        await page.goto(teamUrl + '/details');
        await page.click('#team-settings summary');
        await page.fill('#team-settings #f-name', '');
        await page.click('#team-settings button:has-text("Save")');
        await page.locator('#team-settings #f-name-err', {hasText: 'Enter a name.'}).waitFor();
        await page.fill('#team-settings #f-name', `${TEAM} 2026`);
        await Promise.all([page.waitForURL(/\/details$/), page.click('#team-settings button:has-text("Save")')]);
        await page.locator('.conv-title h1', {hasText: `${TEAM} 2026`}).waitFor();
        await shot(page, '18-team-renamed');
        await page.goto(teamUrl);
        await page.locator('#conv-title', {hasText: `${TEAM} 2026`}).waitFor();
    });

    await step('Bob edits his profile (a wrong time zone explained in place) and uploads a picture, shown in his rail', async () => {
        const page = bob.page;
        await Promise.all([page.waitForURL(/\/me$/), page.click('.rail-foot a.me')]);
        await page.fill('#f-time_zone', 'Mars/Olympus');
        await page.click('button:has-text("Save")');
        await page.locator('#f-time_zone-err', {hasText: 'is not an IANA time zone'}).waitFor();
        assert.equal(await page.locator('text=Parameter [').count(), 0, 'no API words on a page');
        await page.fill('#f-time_zone', 'Europe/Berlin');
        await Promise.all([page.waitForURL(/\/me\?saved=1$/), page.click('button:has-text("Save")')]);
        // A 48×48 PNG drawn by the page itself.
        const png = await page.evaluate(() => {
            const c = document.createElement('canvas');
            c.width = c.height = 48;
            const g = c.getContext('2d');
            g.fillStyle = '#1f7a4d'; g.fillRect(0, 0, 48, 48);
            g.fillStyle = '#ffd54a'; g.beginPath(); g.arc(24, 24, 14, 0, Math.PI * 2); g.fill();
            return c.toDataURL('image/png').split(',')[1];
        });
        await page.setInputFiles('#f-image', {name: 'bob.png', mimeType: 'image/png', buffer: Buffer.from(png, 'base64')});
        await Promise.all([page.waitForURL(/\/me\?saved=1$/), page.click('button:has-text("Upload picture")')]);
        await page.locator('.profile-picture img.av').waitFor();
        await page.locator('.rail-foot a.me img.av').waitFor();
        await shot(page, '19-profile');
        const loaded = await page.locator('.rail-foot a.me img.av').evaluate((img) => img.complete && img.naturalWidth === 48);
        assert.ok(loaded, 'the picture is served and shown');
    });

    await step('Dark mode follows the system: Bob\'s browser prefers dark, Alice\'s light', async () => {
        const dark = await browser.newContext({viewport: {width: 1280, height: 800}, colorScheme: 'dark', timezoneId: 'America/New_York', locale: 'en-US'});
        try {
            const page = await dark.newPage();
            await signIn(page, BOB);
            await page.goto(teamUrl);
            await page.locator('#timeline li.post').first().waitFor();
            const luminance = (p) => p.evaluate(() => {
                const [r, g, b] = getComputedStyle(document.querySelector('.pane')).backgroundColor.match(/\d+/g).map(Number);
                return (r + g + b) / 3;
            });
            assert.ok(await luminance(page) < 60, 'a dark pane in dark mode');
            assert.ok(await luminance(alice.page) > 200, 'a light pane in light mode');
            await shot(page, '20-dark-mode');
        } finally {
            await dark.close();
        }
    });

    await step('Carol forgot her password: a link through the mail outbox (read by Alice, the administrator) lets her choose a new one', async () => {
        const carol = await browser.newContext({viewport: {width: 1280, height: 800}});
        try {
            const page = await carol.newPage();
            await page.goto(SERVER + '/');
            await Promise.all([page.waitForURL(/\/forgot$/), page.click('text=Forgot your password?')]);
            await page.fill('#f-email', 'carol@acme.example');
            await page.click('button:has-text("Send me a link")');
            await page.locator('h1', {hasText: 'Check your e-mail'}).waitFor();
            await shot(page, '21-forgot-password');
            // The server sends no mail itself: the administrator's outbox shows it.
            await alice.page.goto(SERVER + '/admin/outbox');
            const mail = alice.page.locator('.card', {hasText: 'carol@acme.example'}).first();
            await mail.waitFor();
            const link = (await mail.locator('pre').innerText()).match(/https?:\/\/\S+\/activate\?token=\S+/)[0];
            await page.goto(link);
            await page.locator('h1', {hasText: 'Choose a new password'}).waitFor();
            await page.fill('input[name=password]', 'Carol-new-Pa55');
            await page.fill('input[name=confirm]', 'Carol-new-Pa55');
            await page.click('button:has-text("Set password")');
            await page.locator('text=Your password is changed.').waitFor();
            await shot(page, '22-new-password-set');
            await page.goto(SERVER + '/');
            await page.fill('#f-login', 'carol@acme.example');
            await page.fill('#f-password', 'Carol-new-Pa55');
            await Promise.all([page.waitForURL(SERVER + '/'), page.click('button[type=submit]')]);
            await page.waitForSelector('#rail-list');
        } finally {
            await carol.close();
        }
    });

    await step('Bob chooses the team\'s notifications: all messages tell him, muted tells him nothing', async () => {
        const page = bob.page;
        const teamId = teamUrl.split('/').pop();
        const teamLink = page.locator(`#rail-list a.chat[data-chat="${teamId}"]`);
        const noted = (text) => page.evaluate((t) => window.__notes.some((n) => (n.body || '').includes(t)), text);
        const toPersonal = async () => {
            const personal = page.locator('#rail-list [data-section=personal] a.chat').first();
            await Promise.all([page.waitForURL(/\/c\/\d+$/), personal.click()]);
            await live(page);
        };
        const choose = async (level) => {
            await page.goto(teamUrl + '/details');
            await page.check(`#notifications input[value=${level}]`);
            await Promise.all([page.waitForURL(/\/details$/), page.click('button:has-text("Save notifications")')]);
            assert.equal(await teamLink.getAttribute('data-notify'), level);
        };
        await alice.page.goto(teamUrl);
        await live(alice.page);
        await choose('all');
        await toPersonal();
        await alice.page.fill('#composer-text', 'Everyone: the standup moved to ten');
        await alice.page.press('#composer-text', 'Enter');
        await page.waitForFunction(() => window.__notes.some((n) => (n.body || '').includes('standup moved')), null, {timeout: 10000});

        await choose('muted');
        await shot(page, '23-notifications-muted');
        await toPersonal();
        await teamLink.locator('.mute').waitFor();
        const before = await teamLink.locator('.badge [aria-hidden=true]').innerText().catch(() => '0');
        const titleBefore = await page.title();
        await alice.page.fill('#composer-text', 'Everyone: lunch at noon');
        await alice.page.press('#composer-text', 'Enter');
        await page.waitForFunction(([id, b]) => {
            const el = document.querySelector(`#rail-list a.chat[data-chat="${id}"] .badge [aria-hidden=true]`);
            return el && el.textContent !== b;
        }, [teamId, before], {timeout: 10000});
        // (Recorded notes start afresh with each page: only this page's are looked at.)
        assert.equal(await noted('lunch at noon'), false, 'a muted chat raised a notification');
        // The tab's unread count leaves the muted chat out (its badge is updated with the title).
        assert.equal(await page.title(), titleBefore, 'a muted chat counted in the tab title');
        await choose('mentions');
    });

    await step('The conversation opens fast with 1,000 posts in it (measured)', async () => {
        const page = alice.page;
        await page.goto(teamUrl);
        const made = await page.evaluate(async (n) => {
            const app = document.getElementById('app');
            const headers = {'X-CSRF-Token': app.dataset.csrf, 'Content-Type': 'application/x-www-form-urlencoded'};
            let ok = 0;
            for (let i = 0; i < n; i += 20) {
                const batch = [];
                for (let j = i; j < Math.min(n, i + 20); j++) {
                    const body = new URLSearchParams({_csrf: app.dataset.csrf, text: `Load post ${j}: **status** update with a [link](https://example.com/${j})`});
                    batch.push(fetch(`/c/${app.dataset.chat}/posts`, {method: 'POST', headers, body}).then((r) => r.ok && ok++));
                }
                await Promise.all(batch);
            }
            return ok;
        }, 1000);
        assert.equal(made, 1000);
        const runs = [];
        for (let i = 0; i < 7; i++) {
            await page.goto(teamUrl, {waitUntil: 'load'});
            runs.push(await page.evaluate(() => {
                const n = performance.getEntriesByType('navigation')[0];
                return {ttfb: n.responseStart - n.startTime, response: n.responseEnd - n.startTime, dcl: n.domContentLoadedEventEnd - n.startTime, load: n.loadEventEnd - n.startTime, bytes: n.transferSize};
            }));
        }
        const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
        const report = {posts: 1000, runs: runs.length, median_ttfb_ms: median('ttfb'), median_response_ms: median('response'), median_dom_content_loaded_ms: median('dcl'), median_load_ms: median('load'), html_bytes: median('bytes')};
        console.log('PERF conversation page with 1,000 posts: ' + JSON.stringify(report));
        writeFileSync(path.join(SHOTS, 'client-page-load.json'), JSON.stringify({report, runs}, null, 2));
        // Scrolling up pages older posts in.
        const before = await page.locator('#timeline li.post').count();
        await page.evaluate(() => (document.getElementById('scroller').scrollTop = 0));
        await page.waitForFunction((n) => document.querySelectorAll('#timeline li.post').length > n, before);
        await shot(page, '12-long-conversation');
    });

    await step('Bob searches from the rail: matches highlighted; the old message opens in its conversation, marked', async () => {
        const page = bob.page;
        await page.goto(teamUrl);
        await page.fill('#rail-search-q', 'launch mon');
        await Promise.all([page.waitForURL(/\/app\/search\?/), page.press('#rail-search-q', 'Enter')]);
        const hit = page.locator('#results li.result', {hasText: 'moved to'});
        await hit.waitFor();
        assert.equal(await page.locator('#results li.result').count(), 1);
        assert.deepEqual(await hit.locator('mark').allInnerTexts(), ['launch', 'Monday']);
        assert.match(await hit.locator('.in').innerText(), new RegExp(TEAM));
        await shot(page, '13-search-results');
        // The message is older than the conversation's first page (1,000 posts came after it).
        await Promise.all([page.waitForURL(/\/c\/\d+\?at=\d+#p-\d+$/), hit.locator('a.hit').click()]);
        const found = page.locator('#timeline li.post.found');
        await found.waitFor();
        assert.match(await found.locator('.text').innerText(), /the launch moved to Monday/);
        await page.waitForFunction(() => {
            const li = document.querySelector('#timeline li.post.found');
            const box = document.getElementById('scroller').getBoundingClientRect();
            const r = li.getBoundingClientRect();
            return r.top >= box.top && r.bottom <= box.bottom;
        });
        await page.locator('.newer a').waitFor();
        await shot(page, '13b-search-opened-at-message');
        // Words edited away and deleted messages are not found; syntax is said, in place.
        for (const gone of ['Friday', 'mistake']) {
            await page.fill('#rail-search-q', gone);
            await Promise.all([page.waitForURL(/\/app\/search\?/), page.press('#rail-search-q', 'Enter')]);
            await page.locator('#conv-title + .kind', {hasText: `No messages match “${gone}”`}).waitFor();
        }
        await page.fill('#search-q', '"*() &');
        await Promise.all([page.waitForURL(/\/app\/search\?/), page.press('#search-q', 'Enter')]);
        assert.match(await page.locator('.search-error').innerText(), /letters or digits/);
    });

    await step('The app is installable: manifest, service worker, offline shell', async () => {
        const page = alice.page;
        const manifest = await page.evaluate(async () => {
            const href = document.querySelector('link[rel=manifest]').href;
            return (await fetch(href)).json();
        });
        assert.equal(manifest.start_url, '/');
        assert.ok(manifest.icons.some((i) => i.sizes === '512x512'));
        const offline = await (await page.request.get(SERVER + '/offline')).text();
        assert.match(offline, /offline/i);
    });

    await step('Bounced to sign in (the session ended) while typing: the half-typed message survives', async () => {
        const page = bob.page;
        await page.goto(teamUrl);
        await page.waitForSelector('#composer-text');
        const typed = 'Half-typed thought about the launch';
        // Typed and sent at once, before the draft's pause-to-save: the bounce itself must keep it.
        await page.fill('#composer-text', typed);
        await bob.context.clearCookies({name: 'og_session'});
        await Promise.all([
            page.waitForEvent('load'),
            page.press('#composer-text', 'Enter'),
        ]);
        await page.waitForSelector('#f-login');
        await shot(page, '14-bounced-to-sign-in');
        await page.fill('#f-login', BOB);
        await page.fill('#f-password', PASSWORD);
        await Promise.all([page.waitForURL(teamUrl), page.click('button[type=submit]')]);
        await page.waitForSelector('#composer-text');
        await page.waitForFunction((t) => document.getElementById('composer-text').value === t, typed);
        assert.equal(await postWith(page, typed).count(), 0, 'the message was not sent while signed out');
        await shot(page, '15-draft-kept');
    });

    await step('No page refused anything under its content security policy', async () => {
        assert.deepEqual(refused, [], refused.join('\n'));
    });
} catch (_) {
    // reported by step()
} finally {
    await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
