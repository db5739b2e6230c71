// Presence and the company directory with RingCentral's JavaScript SDK (@ringcentral/sdk):
// GET and PUT /restapi/v1.0/account/~/extension/~/presence (and another person's), refused
// values, and POST /restapi/v1.0/account/~/directory/entries/search with its fields, type,
// order and pages. The app needs ReadAccounts, ReadPresence and EditPresence.
//
// Environment: as scenario.mjs (OPENGLIP_SERVER, OPENGLIP_CLIENT_ID, OPENGLIP_CLIENT_SECRET,
// OPENGLIP_USER_EMAIL, OPENGLIP_USER_PASSWORD, OPENGLIP_OTHER_PERSON_ID). Ends with
// "N passed, 0 failed" (exit 0), or the failing step (exit 1).

import assert from 'node:assert/strict';
import {createRequire} from 'node:module';

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
const OTHER = env('OPENGLIP_OTHER_PERSON_ID');
const sdk = new SDK({server: SERVER, clientId: env('OPENGLIP_CLIENT_ID'), clientSecret: env('OPENGLIP_CLIENT_SECRET'), cachePrefix: 'presence-'});
const platform = sdk.platform();
const state = {};
const steps = [];
const step = (name, fn) => steps.push({name, fn});
const PRESENCE = '/restapi/v1.0/account/~/extension/~/presence';

step('login', async () => {
    await platform.login({username: env('OPENGLIP_USER_EMAIL'), password: env('OPENGLIP_USER_PASSWORD')});
    state.me = (await platform.auth().data()).owner_id;
});

step('GET …/extension/~/presence', async () => {
    const p = await (await platform.get(PRESENCE)).json();
    assert.equal(typeof p.extension.id, 'number', 'extension.id is a JSON number');
    assert.equal(String(p.extension.id), state.me);
    assert.equal(typeof p.extension.extensionNumber, 'string');
    assert.ok(p.uri.startsWith(SERVER), p.uri);
    assert.equal(p.presenceStatus, 'Offline', 'no web client open');
    assert.equal(p.userStatus, 'Available');
    assert.equal(p.dndStatus, 'TakeAllCalls');
});

step('PUT …/extension/~/presence: Busy with a message', async () => {
    const p = await (await platform.put(PRESENCE, {userStatus: 'Busy', message: 'Releasing'})).json();
    assert.equal(p.userStatus, 'Busy');
    assert.equal(p.message, 'Releasing');
    const again = await (await platform.get(PRESENCE)).json();
    assert.equal(again.userStatus, 'Busy');
});

step('another person\'s presence', async () => {
    const p = await (await platform.get(`/restapi/v1.0/account/~/extension/${OTHER}/presence`)).json();
    assert.equal(String(p.extension.id), OTHER);
    assert.equal(p.userStatus, 'Available');
});

step('a wrong userStatus is refused', async () => {
    let refused;
    try {
        await platform.put(PRESENCE, {userStatus: 'Away'});
    } catch (e) {
        refused = e;
    }
    assert.ok(refused && refused.response, 'refused');
    assert.equal(refused.response.status, 400);
    const body = await refused.response.json();
    assert.equal(body.errorCode, 'CMN-101');
    assert.equal(body.errors[0].parameterName, 'userStatus');
});

step('POST …/directory/entries/search', async () => {
    const all = await (await platform.post('/restapi/v1.0/account/~/directory/entries/search', {})).json();
    assert.ok(all.records.length >= 3, 'the company');
    assert.equal(all.paging.totalElements, all.records.length);
    for (const r of all.records) {
        assert.equal(typeof r.id, 'string');
        assert.equal(typeof r.extensionNumber, 'string');
    }
    const bob = await (await platform.post('/restapi/v1.0/account/~/directory/entries/search', {searchString: 'bak', searchFields: ['lastName']})).json();
    assert.deepEqual(bob.records.map(r => r.id), [OTHER]);
    const page = await (await platform.post('/restapi/v1.0/account/~/directory/entries/search', {orderBy: [{fieldName: 'email', direction: 'Desc'}], perPage: 1, page: 2})).json();
    assert.equal(page.records.length, 1);
    assert.equal(page.paging.page, 2);
    assert.equal(page.paging.totalPages, all.records.length);
    await assert.rejects(platform.post('/restapi/v1.0/account/~/directory/entries/search', {searchFields: ['nickname']}), e => e.response.status === 400);
});

let passed = 0;
for (const [i, {name, fn}] of steps.entries()) {
    try {
        await fn();
        passed++;
        console.log(`ok ${i + 1} - ${name}`);
    } catch (e) {
        console.log(`FAILED ${i + 1} - ${name}\n  error: ${e.message}`);
        if (e.response) {console.log(`  response: HTTP ${e.response.status} ${await e.response.clone().text().catch(() => '')}`);}
        console.log(`${passed} passed, 1 failed`);
        process.exit(1);
    }
}
console.log(`${passed} passed, 0 failed`);
