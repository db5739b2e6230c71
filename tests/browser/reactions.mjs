// Reactions in the web client (headless Chromium): Alice and Bob in one team, in two browser
// contexts. Bob reacts to Alice's message from the picker; Alice sees the chip arrive live and
// adds hers by clicking it; Bob sees the count rise, takes his back, and both see it fall; the
// chips name who reacted. Screenshots go to $OPENGLIP_SCREENSHOTS (default
// ci-artifacts/screenshots), named reactions-*.
//
// Environment: OPENGLIP_SERVER; ALICE_EMAIL, BOB_EMAIL, PASSWORD; CHROMIUM.
// Ends with "N passed, 0 failed" (exit 0) or the failing step (exit 1).

import assert from 'node:assert/strict';
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import {chromium} from 'playwright-core';

const env = (name, fallback) => process.env[name] || fallback || (console.error(`missing ${name}`), process.exit(2));
const SERVER = env('OPENGLIP_SERVER').replace(/\/+$/, '');
const PASSWORD = env('PASSWORD');
const SHOTS = env('OPENGLIP_SCREENSHOTS', 'ci-artifacts/screenshots');
mkdirSync(SHOTS, {recursive: true});

const browser = await chromium.launch({executablePath: env('CHROMIUM', '/usr/bin/chromium'), args: ['--no-sandbox']});
let passed = 0;
const shot = (page, name) => page.screenshot({path: path.join(SHOTS, `reactions-${name}.png`)});
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
    const context = await browser.newContext({viewport: {width: 1280, height: 800}});
    context.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) refused.push(`${email}: ${msg.text()}`);
    });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log(`page error (${email}): ${e.message}`));
    await page.goto(SERVER + '/');
    await page.fill('#f-login', email);
    await page.fill('#f-password', PASSWORD);
    await Promise.all([page.waitForURL(SERVER + '/'), page.click('button[type=submit]')]);
    await page.waitForSelector('#rail-list');
    return {context, page};
}

const live = (page) => page.waitForSelector('#app[data-live="1"]', {timeout: 15000});
const alice = await person(env('ALICE_EMAIL'));
const bob = await person(env('BOB_EMAIL'));
const message = (page) => page.locator('#timeline li.post', {hasText: 'Lift-off at noon?'}).last();
const chip = (page, emoji) => message(page).locator('form.reactions button.chip', {hasText: emoji});

try {
    await step('Alice makes a team with Bob and asks a question; both have it open', async () => {
        const page = alice.page;
        await page.click('.plus summary');
        await page.click('text=New team');
        await page.fill('#f-name', 'Launch Crew');
        await page.click('#f-members');
        await page.keyboard.type('Bob');
        await page.locator('#people-list-0 [role=option]', {hasText: 'Bob'}).first().waitFor();
        await page.keyboard.press('Enter');
        await Promise.all([page.waitForURL(/\/c\/\d+$/), page.click('button:has-text("Create team")')]);
        await live(page);
        await page.fill('#composer-text', 'Lift-off at noon?');
        await page.keyboard.press('Enter');
        await message(page).waitFor();
        await bob.page.goto(page.url());
        await live(bob.page);
        await message(bob.page).waitFor();
    });

    await step('Bob reacts from the picker: his chip is pressed, with his name', async () => {
        const page = bob.page;
        await message(page).hover();
        await message(page).locator('details.picker summary').click();
        await shot(page, '01-picker');
        await message(page).locator('details.picker button.pick', {hasText: '👍'}).click();
        await chip(page, '👍').waitFor();
        assert.equal(await chip(page, '👍').getAttribute('aria-pressed'), 'true');
        assert.equal(await chip(page, '👍').getAttribute('title'), 'Bob Brown');
        assert.equal((await chip(page, '👍').locator('.n').textContent()).trim(), '1');
    });

    await step('Alice sees it arrive live, not pressed for her, and adds hers by clicking it', async () => {
        const page = alice.page;
        await chip(page, '👍').waitFor({timeout: 15000});
        assert.equal(await chip(page, '👍').getAttribute('aria-pressed'), 'false');
        await chip(page, '👍').click();
        await page.waitForFunction(() => {
            const c = [...document.querySelectorAll('form.reactions button.chip')].find((b) => b.textContent.includes('👍'));
            return c && c.getAttribute('aria-pressed') === 'true' && c.querySelector('.n').textContent.trim() === '2';
        });
        await message(page).locator('details.picker summary').click();
        await message(page).locator('details.picker button.pick', {hasText: '🎉'}).click();
        await chip(page, '🎉').waitFor();
        await shot(page, '02-alice-reacted');
    });

    await step('Bob sees both live, takes his thumbs-up back; both see the count fall', async () => {
        const page = bob.page;
        await chip(page, '🎉').waitFor({timeout: 15000});
        await page.waitForFunction(() => {
            const c = [...document.querySelectorAll('form.reactions button.chip')].find((b) => b.textContent.includes('👍'));
            return c && c.querySelector('.n').textContent.trim() === '2';
        });
        assert.equal(await chip(page, '👍').getAttribute('title'), 'Bob Brown and Alice Adams');
        await shot(page, '03-bob-sees-both');
        await chip(page, '👍').click();
        for (const p of [page, alice.page]) {
            await p.waitForFunction(() => {
                const c = [...document.querySelectorAll('form.reactions button.chip')].find((b) => b.textContent.includes('👍'));
                return c && c.querySelector('.n').textContent.trim() === '1';
            }, null, {timeout: 15000});
        }
        assert.equal(await chip(page, '👍').getAttribute('aria-pressed'), 'false');
        await shot(alice.page, '04-after-taking-back');
    });

    await step("no page's content security policy refused anything", async () => {
        assert.deepEqual(refused, []);
    });
} catch {
    console.log(`${passed} passed, 1 failed`);
    await browser.close();
    process.exit(1);
}
console.log(`${passed} passed, 0 failed`);
await browser.close();
