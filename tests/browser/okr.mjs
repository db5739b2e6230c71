// The OKR app's Glip integration, walked as the reference document (shared/reference/
// okr-glip-integration.txt) tells it, in headless Chromium against `openglip serve --demo` (the
// platform, and the OKR app on the next port with the document's example: Sales with US, Europe
// and Asia, and the 'Org-Sales' team in chat):
//   sign in with openglip; Admin > Integrations > Add to Glip (the platform's Access Request);
//   Manage and Options > Remove Glip Integration are offered; the Sales dashboard > Followers >
//   Glip teams > Add Followers: Org-Sales; the alert's "Change update time" popup (Custom
//   schedule, Weekly, Done); the gear icon next to Follow (Monthly, Done); Admin > Integrations
//   > Manage > Edit (Default, Done); Preview and Send now; the digest in 'Org-Sales' (through
//   the platform's API, and in the web client); a check-in with an error in place; the audit;
//   Options > Remove Glip Integration.
// Every page is saved to $OPENGLIP_SCREENSHOTS (default ci-artifacts/screenshots), named okr-*.
//
// Environment: OKR_URL, PLATFORM_URL, DEMO_DIR (the platform's data folder, where the demo keeps
// its credentials); CHROMIUM. Ends with "N passed, 0 failed" (exit 0) or the failing step (exit 1).

import assert from 'node:assert/strict';
import {mkdirSync, readFileSync} from 'node:fs';
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

const OKR = env('OKR_URL').replace(/\/+$/, '');
const PLATFORM = env('PLATFORM_URL').replace(/\/+$/, '');
const DEMO_DIR = env('DEMO_DIR');
const SHOTS = env('OPENGLIP_SCREENSHOTS', 'ci-artifacts/screenshots');
mkdirSync(SHOTS, {recursive: true});
const demo = JSON.parse(readFileSync(path.join(DEMO_DIR, 'demo-credentials.json'), 'utf8'));
const okrDemo = JSON.parse(readFileSync(path.join(DEMO_DIR, 'demo-okr.json'), 'utf8'));
const ADMIN = demo.users[0].email;

const browser = await chromium.launch({
    executablePath: env('CHROMIUM', '/usr/bin/chromium'),
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({viewport: {width: 1280, height: 900}, timezoneId: 'Europe/Berlin'});
const page = await context.newPage();
page.setDefaultTimeout(15000);
page.on('pageerror', (e) => console.log(`page error: ${e.message}`));

let shot = 0;
async function screenshot(name) {
    shot += 1;
    const file = path.join(SHOTS, `okr-${String(shot).padStart(2, '0')}-${name}.png`);
    await page.screenshot({path: file, fullPage: true});
    console.log(`     screenshot ${file}`);
}
const heading = (text) => page.getByRole('heading', {name: text}).first().waitFor();
const dialog = (title) => page.getByRole('dialog', {name: title});

// On the platform's pages: sign in if asked (or continue as who is signed in), then Authorize.
async function allowOnPlatform() {
    await page.waitForURL((u) => u.toString().startsWith(PLATFORM));
    const signIn = page.getByLabel('Email or phone number');
    const cont = page.getByRole('link', {name: /^Continue as/});
    await Promise.race([signIn.waitFor(), cont.waitFor(), heading('Access Request')]);
    if (await signIn.isVisible()) {
        await signIn.fill(ADMIN);
        await page.getByLabel('Password').fill(demo.password);
        await page.getByRole('button', {name: 'Sign in'}).click();
    } else if (await cont.isVisible()) {
        await cont.click();
    }
    await heading('Access Request');
    await screenshot('access-request');
    await page.getByRole('button', {name: 'Authorize'}).click();
    await page.waitForURL((u) => u.toString().startsWith(OKR));
}

// The bot's digests in 'Org-Sales', through the platform's API as the administrator.
async function digestsInOrgSales() {
    const tok = await fetch(`${PLATFORM}/restapi/oauth/token`, {
        method: 'POST',
        headers: {authorization: 'Basic ' + Buffer.from(`${demo.clientId}:${demo.clientSecret}`).toString('base64')},
        body: new URLSearchParams({grant_type: 'password', username: ADMIN, password: demo.password}),
    }).then((r) => r.json());
    const posts = await fetch(`${PLATFORM}/team-messaging/v1/chats/${okrDemo.orgSalesChatId}/posts?recordCount=50`, {
        headers: {authorization: `Bearer ${tok.access_token}`},
    }).then((r) => r.json());
    return posts.records.flatMap((p) => (p.attachments || []).map((a) => a.fallbackText || ''))
        .filter((t) => t.startsWith('OKR update'));
}

const steps = [
    ['sign in with openglip', async () => {
        await page.goto(`${OKR}/`);
        await page.waitForURL((u) => u.toString().startsWith(PLATFORM));
        await heading('Sign in');
        await screenshot('platform-sign-in');
        await allowOnPlatform();
        await heading('Acme Inc');
        await page.getByRole('link', {name: 'Sales'}).first().waitFor();
        await screenshot('company-dashboard');
    }],
    ['Admin > Integrations > Add to Glip', async () => {
        await page.getByRole('navigation', {name: 'Section'}).getByRole('link', {name: 'Admin'}).click();
        await page.getByRole('navigation', {name: 'Admin'}).getByRole('link', {name: 'Integrations'}).waitFor();
        await page.getByText('Not connected').waitFor();
        await screenshot('integrations');
        await page.getByRole('button', {name: 'Add to Glip'}).click();
        await allowOnPlatform();
        await page.getByText('Glip is connected').waitFor();
        await page.getByRole('link', {name: 'Manage'}).waitFor();
        await page.getByText('Options').click();
        await page.getByRole('button', {name: 'Remove Glip Integration'}).waitFor();
        await screenshot('integrations-manage-and-options');
        await page.getByText('Options').click();
    }],
    ['Sales > Followers > Glip teams > Add Followers: Org-Sales', async () => {
        await page.getByRole('navigation', {name: 'Section'}).getByRole('link', {name: 'Teams'}).click();
        await page.getByRole('link', {name: 'Sales'}).first().click();
        await heading('Sales');
        for (const region of ['US', 'Europe', 'Asia']) {
            await page.getByRole('table', {name: 'Sub-teams'}).getByRole('link', {name: region}).waitFor();
        }
        await page.getByRole('link', {name: /^Followers/}).click();
        await heading('Followers of Sales');
        await page.getByRole('link', {name: 'Glip teams'}).waitFor();
        await page.getByRole('link', {name: 'Add Followers'}).click();
        const add = dialog('Add Followers');
        await add.waitFor();
        await add.getByRole('radio', {name: 'Org-Sales'}).check();
        await add.getByRole('radio', {name: /^Default/}).check();
        await screenshot('add-followers');
        await add.getByRole('button', {name: 'Follow'}).click();
        await page.getByText('now follows it').waitFor();
        await page.getByRole('link', {name: 'Change update time'}).waitFor();
        await screenshot('following-alert');
    }],
    ['"Change update time": Custom schedule, Weekly, Friday 17:30, Done', async () => {
        await page.getByRole('link', {name: 'Change update time'}).click();
        const popup = dialog('Update time');
        await popup.waitFor();
        await popup.getByRole('radio', {name: /^Custom schedule/}).check();
        await popup.getByRole('radio', {name: /^Weekly/}).check();
        await popup.getByLabel('Day of the week (weekly)').selectOption('Friday');
        await popup.getByLabel('Time', {exact: true}).fill('17:30');
        await screenshot('change-update-time');
        await popup.getByRole('button', {name: 'Done'}).click();
        await page.getByText('every Friday at 17:30').first().waitFor();
    }],
    ['the gear icon next to Follow: Monthly on the 31st, Done', async () => {
        await page.getByRole('link', {name: 'Follow', exact: true}).waitFor();
        await page.getByRole('link', {name: 'Update time'}).click();
        const popup = dialog('Update time');
        await popup.waitFor();
        await popup.getByRole('radio', {name: /^Custom schedule/}).check();
        await popup.getByRole('radio', {name: /^Monthly/}).check();
        await popup.getByLabel('Day of the month (monthly)').fill('31');
        await popup.getByLabel('Time', {exact: true}).fill('08:30');
        await screenshot('gear-popup');
        await popup.getByRole('button', {name: 'Done'}).click();
        await page.getByText('monthly on day 31 at 08:30').first().waitFor();
        await screenshot('schedule-saved');
    }],
    ['Admin > Integrations > Manage > Edit: Default, Done', async () => {
        await page.goto(`${OKR}/admin/integrations`);
        await page.getByRole('link', {name: 'Manage'}).click();
        await heading('Manage Glip');
        const row = page.getByRole('row', {name: /Org-Sales/});
        await row.getByRole('link', {name: 'Edit'}).click();
        await heading('Update time');
        await page.getByRole('radio', {name: /^Default/}).check();
        await page.getByRole('button', {name: 'Done'}).click();
        await heading('Manage Glip');
        await page.getByText('every Monday at 09:00 (default)').first().waitFor();
        await screenshot('manage');
    }],
    ['Preview (posted nowhere), then Send now', async () => {
        const row = page.getByRole('row', {name: /Org-Sales/});
        await row.getByRole('link', {name: 'Preview'}).click();
        await heading('Preview');
        await page.getByText('posted nowhere').waitFor();
        await page.getByText(/OKR update: Sales/).waitFor();
        await screenshot('preview');
        assert.equal((await digestsInOrgSales()).length, 0, 'the preview posted nothing');
        await page.getByRole('button', {name: 'Send now'}).click();
        await page.getByText('Sent to').waitFor();
        await screenshot('sent');
        const digests = await digestsInOrgSales();
        assert.equal(digests.length, 1);
        for (const region of ['US', 'Europe', 'Asia']) {
            assert.match(digests[0], new RegExp(`• ${region} \\d`), digests[0]);
        }
    }],
    ['the digest in Org-Sales, in the web client', async () => {
        await page.goto(`${PLATFORM}/c/${okrDemo.orgSalesChatId}`);
        if (await page.locator('#f-login').isVisible()) {
            await page.fill('#f-login', ADMIN);
            await page.fill('#f-password', demo.password);
            await page.click('button[type=submit]');
            await page.goto(`${PLATFORM}/c/${okrDemo.orgSalesChatId}`);
        }
        await page.getByText('Org-Sales').first().waitFor();
        await page.getByText(/Sales/).first().waitFor();
        await screenshot('org-sales-in-chat');
    }],
    ['check in on a key result: an error in place, then saved', async () => {
        await page.goto(`${OKR}/company`);
        await page.getByRole('link', {name: 'Sales'}).first().click();
        await page.getByRole('table', {name: 'Sub-teams'}).getByRole('link', {name: 'US'}).click();
        await page.getByRole('link', {name: 'Grow US revenue'}).click();
        await heading('Grow US revenue');
        await page.getByText('How progress and status are computed').click();
        await screenshot('objective');
        await page.locator('.card', {hasText: 'Close deals'}).getByRole('link', {name: 'Check in'}).click();
        await heading('Check in');
        await page.getByLabel('Value').fill('lots');
        await page.getByRole('button', {name: 'Check in'}).click();
        await page.getByText('There is a problem').waitFor();
        await screenshot('check-in-error');
        await page.getByLabel('Value').fill('24');
        await page.getByLabel('Note').fill('A big one from Boston');
        await page.getByRole('button', {name: 'Check in'}).click();
        await page.getByText('Checked in:').waitFor();
        await screenshot('checked-in');
    }],
    ['Admin > Audit', async () => {
        await page.goto(`${OKR}/admin/audit`);
        await page.getByRole('table', {name: 'Digests'}).getByText('sent').first().waitFor();
        await screenshot('audit');
    }],
    ['Options > Remove Glip Integration', async () => {
        await page.goto(`${OKR}/admin/integrations`);
        await page.getByText('Options').click();
        await page.getByRole('button', {name: 'Remove Glip Integration'}).click();
        const confirm = dialog('Remove the Glip integration?');
        await confirm.waitFor();
        await screenshot('remove-confirm');
        await confirm.getByRole('button', {name: 'Remove Glip Integration'}).click();
        await page.getByText('The Glip integration was removed').waitFor();
        await page.getByRole('button', {name: 'Add to Glip'}).waitFor();
        await screenshot('removed');
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
            await screenshot('failure');
        } catch {
            // no page to show
        }
        break;
    }
}
await browser.close();
console.log(`${passed} passed, ${failed ? 1 : 0} failed`);
process.exit(failed ? 1 : 0);
