// Adaptive Card buttons in the web client (headless Chromium), answered by a bot: a bot (made
// with `openglip admin bot create --interactive-url`, its outbound URL served by this script)
// makes a team with Alice and Bob and posts a lunch poll card; Bob picks a place, writes a note
// and presses Vote; the card says "Sending…" then "Sent"; the bot receives RingCentral's
// `button_submit` event, checks `X-Glip-Signature` the way RingCentral's own samples do (the hex
// HMAC-SHA1 of `JSON.stringify(req.body)` under the shared secret), and answers by posting into
// the chat, which Bob and Alice see live. A required field left empty is caught in the page; the
// card's link opens in a new tab without the opener. Screenshots go to $OPENGLIP_SCREENSHOTS
// (default ci-artifacts/screenshots), named cards-*.
//
// Environment: OPENGLIP_SERVER; ALICE_EMAIL, BOB_EMAIL, PASSWORD; BOT_TOKEN, BOT_SECRET (the
// bot's shared secret), BOT_PORT (where the bot's outbound URL listens: /bot/submit); CHROMIUM.
// Ends with "N passed, 0 failed" (exit 0) or the failing step (exit 1).

import assert from 'node:assert/strict';
import {createHmac} from 'node:crypto';
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
const ALICE = env('ALICE_EMAIL');
const BOB = env('BOB_EMAIL');
const PASSWORD = env('PASSWORD');
const BOT_TOKEN = env('BOT_TOKEN');
const BOT_SECRET = env('BOT_SECRET');
const BOT_PORT = Number(env('BOT_PORT'));
const SHOTS = env('OPENGLIP_SCREENSHOTS', 'ci-artifacts/screenshots');
mkdirSync(SHOTS, {recursive: true});

// ------------------------------------------------------------------ the bot

async function api(method, p, body) {
    const r = await fetch(SERVER + p, {
        method,
        headers: {Authorization: `Bearer ${BOT_TOKEN}`, 'Content-Type': 'application/json'},
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    assert.ok(r.ok, `${method} ${p}: ${r.status} ${text}`);
    return text ? JSON.parse(text) : null;
}

// What the bot received: every submission, with whether its signature checked out.
const received = [];
const bot = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
        if (req.method !== 'POST' || req.url !== '/bot/submit') {
            res.writeHead(404).end();
            return;
        }
        // As RingCentral's samples verify: the HMAC of the re-serialised parsed body.
        const body = JSON.parse(raw);
        const expected = createHmac('sha1', BOT_SECRET).update(JSON.stringify(body)).digest('hex');
        const signed = req.headers['x-glip-signature'] === expected;
        received.push({body, signed});
        if (!signed) {
            res.writeHead(401).end();
            return;
        }
        res.writeHead(200, {'Content-Type': 'application/json'}).end('{}');
        const who = `${body.user.firstName} ${body.user.lastName}`;
        await api('POST', `/team-messaging/v1/chats/${body.conversation.id}/posts`, {
            text: `${who} voted **${body.data.place}** (${body.data.note || 'no note'})`,
        });
    });
});
await new Promise((resolve) => bot.listen(BOT_PORT, '127.0.0.1', resolve));

// ------------------------------------------------------------------ the browser

const browser = await chromium.launch({executablePath: env('CHROMIUM', '/usr/bin/chromium'), args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']});
let passed = 0;
const shot = (page, name) => page.screenshot({path: path.join(SHOTS, `cards-${name}.png`), fullPage: true});
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
    page.on('pageerror', (e) => console.log(`page error (${email}): ${e.message}`));
    await page.goto(SERVER + '/');
    await page.fill('#f-login', email);
    await page.fill('#f-password', PASSWORD);
    await Promise.all([page.waitForURL(SERVER + '/'), page.click('button[type=submit]')]);
    return page;
}

let team;
const poll = {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.3',
    body: [
        {type: 'TextBlock', text: 'Where shall we have lunch?', size: 'Medium', weight: 'Bolder'},
        {type: 'Input.ChoiceSet', id: 'place', label: 'Place', style: 'expanded', choices: [
            {title: 'Pizza', value: 'pizza'}, {title: 'Sushi', value: 'sushi'}, {title: 'Tacos', value: 'tacos'}]},
        {type: 'Input.Text', id: 'note', label: 'Note', placeholder: 'Anything to add?', isRequired: true},
        {type: 'Input.Toggle', id: 'vegan', title: 'Vegan options please', valueOn: 'yes', valueOff: 'no'},
    ],
    actions: [
        {type: 'Action.Submit', title: 'Vote', style: 'positive', data: {poll: 'lunch'}},
        {type: 'Action.OpenUrl', title: 'Menus', url: 'https://example.com/menus'},
    ],
};

try {
    const alice = await person(ALICE);
    const bob = await person(BOB);

    await step('the bot makes a team with Alice and Bob and posts a poll card', async () => {
        const t = await api('POST', '/team-messaging/v1/teams', {
            name: 'Lunch club', public: false, members: [{email: ALICE}, {email: BOB}],
        });
        team = t.id;
        await api('POST', `/team-messaging/v1/chats/${team}/adaptive-cards`, poll);
        await bob.goto(`${SERVER}/c/${team}`);
        await alice.goto(`${SERVER}/c/${team}`);
        const card = bob.locator('form.ac-card');
        await card.waitFor();
        assert.equal(await card.locator('input[type=radio]').count(), 3);
        assert.equal(await card.locator('button.ac-submit').count(), 1);
        const link = card.locator('a.ac-action', {hasText: 'Menus'});
        assert.equal(await link.getAttribute('target'), '_blank');
        assert.match(await link.getAttribute('rel'), /noopener/);
        await shot(bob, '01-card');
    });

    await step('a required field left empty is caught in the page, nothing is sent', async () => {
        const card = bob.locator('form.ac-card');
        await card.locator('label.ac-choice', {hasText: 'Sushi'}).locator('input').check();
        await card.locator('button.ac-submit').click();
        await card.locator('.ac-status', {hasText: 'required'}).waitFor();
        assert.equal(received.length, 0);
    });

    await step('Bob votes: the card says Sent and the bot answers in the chat, live for Alice', async () => {
        const card = bob.locator('form.ac-card');
        await card.locator('[data-ac-input=note]').fill('by 12:30');
        await card.locator('label', {hasText: 'Vegan options please'}).locator('input').check();
        await card.locator('button.ac-submit').click();
        await card.locator('.ac-status[data-state=sent]', {hasText: 'Sent'}).waitFor({timeout: 20000});
        assert.equal(received.length, 1);
        const {body, signed} = received[0];
        assert.ok(signed, 'the signature checks out as RingCentral\'s samples check it');
        assert.equal(body.type, 'button_submit');
        assert.equal(body.conversation.id, team);
        assert.equal(body.user.firstName, 'Bob');
        assert.deepEqual(body.data, {poll: 'lunch', place: 'sushi', note: 'by 12:30', vegan: 'yes'});
        await bob.locator('li.post .text', {hasText: 'Bob Brown voted sushi (by 12:30)'}).waitFor();
        await alice.locator('li.post .text', {hasText: 'Bob Brown voted sushi (by 12:30)'}).waitFor();
        await shot(bob, '02-sent-and-answered');
        await shot(alice, '03-alice-sees-the-answer');
    });

    assert.deepEqual(refused, [], 'no content security policy refusals');
    console.log(`${passed} passed, 0 failed`);
} catch (e) {
    console.log(`${passed} passed, 1 failed`);
    process.exitCode = 1;
} finally {
    await browser.close();
    bot.close();
}
