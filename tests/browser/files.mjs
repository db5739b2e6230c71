// Files in the web client (headless Chromium): Alice attaches an image and a text file with the
// composer's attach button and watches their uploads; Bob, in the same team, sees the image as
// a preview and the text file as a card with its name and size; Bob opens the image in the
// lightbox; Alice pastes a screenshot into the message box and drops a file on the
// conversation; a file attached in a thread's composer is a reply in that thread; an empty file
// is refused in place. Screenshots go to
// $OPENGLIP_SCREENSHOTS (default ci-artifacts/screenshots), named files-*.
//
// Environment: OPENGLIP_SERVER; ALICE_EMAIL, BOB_EMAIL, PASSWORD; CHROMIUM.
// Ends with "N passed, 0 failed" (exit 0) or the failing step (exit 1).

import assert from 'node:assert/strict';
import {mkdirSync} from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import {chromium} from 'playwright-core';

const env = (name, fallback) => process.env[name] || fallback || (console.error(`missing ${name}`), process.exit(2));
const SERVER = env('OPENGLIP_SERVER').replace(/\/+$/, '');
const ALICE = env('ALICE_EMAIL');
const BOB = env('BOB_EMAIL');
const PASSWORD = env('PASSWORD');
const SHOTS = env('OPENGLIP_SCREENSHOTS', 'ci-artifacts/screenshots');
mkdirSync(SHOTS, {recursive: true});

// A real PNG (so that the preview shows): width x height of stripes, built here.
const CRC = Array.from({length: 256}, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
});
function crc32(buf) {
    let c = 0xffffffff;
    for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
}
function png(width, height, colors) {
    const header = Buffer.alloc(13);
    header.writeUInt32BE(width, 0);
    header.writeUInt32BE(height, 4);
    header[8] = 8; // bit depth
    header[9] = 2; // truecolour
    const rows = [];
    for (let y = 0; y < height; y++) {
        const row = [0];
        const [r, g, b] = colors[Math.floor((y / height) * colors.length)];
        for (let x = 0; x < width; x++) row.push(r, g, b);
        rows.push(Buffer.from(row));
    }
    return Buffer.concat([
        Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'),
        chunk('IHDR', header),
        chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))),
        chunk('IEND', Buffer.alloc(0)),
    ]);
}
const CHART = png(320, 200, [[10, 99, 214], [244, 180, 0], [6, 118, 71]]);
const SCREENSHOT = png(160, 90, [[200, 30, 60], [30, 30, 30]]);
const NOTES = 'Launch checklist\n- fuel\n- weather\n- countdown\n'.repeat(40);

const browser = await chromium.launch({executablePath: env('CHROMIUM', '/usr/bin/chromium'), args: ['--no-sandbox']});
let passed = 0;
const shot = (page, name) => page.screenshot({path: path.join(SHOTS, `files-${name}.png`)});
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
const TEAM = 'Files Crew';
const alice = await person(ALICE);
const bob = await person(BOB);

try {
    await step('Alice makes a team with Bob; both open it', async () => {
        const page = alice.page;
        await page.click('.plus summary');
        await page.click('text=New team');
        await page.fill('#f-name', TEAM);
        await page.click('#f-members');
        await page.keyboard.type('Bob');
        await page.locator('#people-list-0 [role=option]', {hasText: 'Bob'}).first().waitFor();
        await page.keyboard.press('Enter');
        await Promise.all([page.waitForURL(/\/c\/\d+$/), page.click('button:has-text("Create team")')]);
        const url = page.url();
        await live(page);
        await bob.page.goto(url);
        await live(bob.page);
    });

    await step('Alice attaches an image and a text file: progress, then both posted', async () => {
        const page = alice.page;
        await page.waitForSelector('#attach:not([hidden])');
        const chooser = page.waitForEvent('filechooser');
        await page.click('#attach');
        await (await chooser).setFiles([
            {name: 'chart.png', mimeType: 'image/png', buffer: CHART},
            {name: 'launch-notes.txt', mimeType: 'text/plain', buffer: Buffer.from(NOTES)},
        ]);
        await page.locator('#uploads .upload').first().waitFor();
        await shot(page, '01-uploading');
        await page.locator('#timeline a.att-file-image img').first().waitFor({timeout: 15000});
        await page.locator('#timeline a.att-file', {hasText: 'launch-notes.txt'}).waitFor();
        await shot(page, '02-posted');
    });

    await step('Bob sees the preview (the image decoded) and the card with name and size', async () => {
        const page = bob.page;
        const img = page.locator('#timeline a.att-file-image img').first();
        await img.waitFor({timeout: 15000});
        await page.waitForFunction(() => {
            const i = document.querySelector('#timeline a.att-file-image img');
            return i && i.complete && i.naturalWidth === 320;
        });
        const size = page.locator('#timeline a.att-file .att-file-size').first();
        await page.waitForFunction(() => /\d/.test(document.querySelector('#timeline a.att-file .att-file-size')?.textContent || ''));
        assert.match(await size.textContent(), /^\d+(\.\d)? (B|KB)$/);
        await shot(page, '03-bob-sees-files');
    });

    await step('Bob opens the image in the lightbox and closes it', async () => {
        const page = bob.page;
        await page.click('#timeline a.att-file-image');
        const box = page.locator('dialog.lightbox[open]');
        await box.waitFor();
        await page.waitForFunction(() => document.querySelector('dialog.lightbox img').naturalWidth === 320);
        await shot(page, '04-lightbox');
        await page.keyboard.press('Escape');
        await page.waitForSelector('dialog.lightbox[open]', {state: 'detached', timeout: 5000}).catch(async () => {
            assert.equal(await box.count(), 0, 'the lightbox closes');
        });
    });

    await step('Alice pastes a screenshot into the message box', async () => {
        const page = alice.page;
        const before = await page.locator('#timeline a.att-file-image').count();
        await page.evaluate((bytes) => {
            const file = new File([new Uint8Array(bytes)], 'screenshot.png', {type: 'image/png'});
            const data = new DataTransfer();
            data.items.add(file);
            const ta = document.getElementById('composer-text');
            ta.focus();
            ta.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        }, [...SCREENSHOT]);
        await page.waitForFunction((n) => document.querySelectorAll('#timeline a.att-file-image').length > n, before, {timeout: 15000});
        assert.equal(await page.inputValue('#composer-text'), '', 'nothing pasted as text');
        await shot(page, '05-pasted');
    });

    await step('Alice drops a file on the conversation', async () => {
        const page = alice.page;
        await page.evaluate(() => {
            const data = new DataTransfer();
            data.items.add(new File(['a,b\n1,2\n'], 'numbers.csv', {type: 'text/csv'}));
            const main = document.querySelector('main') || document.body;
            for (const type of ['dragenter', 'dragover', 'drop']) {
                main.dispatchEvent(new DragEvent(type, {dataTransfer: data, bubbles: true, cancelable: true}));
            }
        });
        await page.locator('#timeline a.att-file', {hasText: 'numbers.csv'}).waitFor({timeout: 15000});
        await bob.page.locator('#timeline a.att-file', {hasText: 'numbers.csv'}).waitFor({timeout: 15000});
        await shot(bob.page, '06-dropped');
    });

    await step("a file attached in a thread's composer is a reply in that thread", async () => {
        const page = alice.page;
        const chat = page.url().match(/\/c\/(\d+)/)[1];
        await page.fill('#composer-text', 'The launch plan, details in the thread');
        await page.keyboard.press('Enter');
        const root = page.locator('#timeline li.post', {hasText: 'The launch plan'}).last();
        await root.waitFor();
        const id = await root.getAttribute('data-id');
        await page.goto(`${SERVER}/c/${chat}/t/${id}`);
        await live(page);
        await page.waitForSelector('#attach:not([hidden])');
        const chooser = page.waitForEvent('filechooser');
        await page.click('#attach');
        await (await chooser).setFiles([{name: 'thread-plan.txt', mimeType: 'text/plain', buffer: Buffer.from('T-10 minutes\n')}]);
        await page.locator('#timeline a.att-file', {hasText: 'thread-plan.txt'}).waitFor({timeout: 15000});
        await shot(page, '07-thread-upload');
        // In the conversation, Bob sees it as a reply to the plan, not a message of its own.
        const reply = bob.page.locator('#timeline li.post.reply', {hasText: 'thread-plan.txt'});
        await reply.waitFor({timeout: 15000});
        assert.equal(await reply.getAttribute('data-parent'), id);
        await page.goto(`${SERVER}/c/${chat}`);
        await live(page);
    });

    await step('an empty file is refused in place, nothing posted', async () => {
        const page = alice.page;
        const chooser = page.waitForEvent('filechooser');
        await page.click('#attach');
        await (await chooser).setFiles([{name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0)}]);
        const failed = page.locator('#uploads .upload.failed');
        await failed.waitFor({timeout: 10000});
        assert.match(await failed.textContent(), /This file is empty\./);
        await shot(page, '08-refused');
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
