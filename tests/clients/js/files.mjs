// Files with RingCentral's own JavaScript SDK (@ringcentral/sdk): upload into a team as
// multipart/form-data (a `body` part, built with `form-data` as RingCentral's samples do), a post attaching a bare
// upload by id, the content read by a member through the SDK, and refused to an outsider.
//
// Environment as for scenario.mjs (OPENGLIP_SERVER, OPENGLIP_CLIENT_ID, OPENGLIP_CLIENT_SECRET,
// OPENGLIP_USER_EMAIL, OPENGLIP_USER_PASSWORD, OPENGLIP_MEMBER_EMAILS: a member, then an
// outsider). Prints one line per step and ends with "N passed, 0 failed" (exit 0).

import assert from 'node:assert/strict';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const {SDK} = require('@ringcentral/sdk');
// The SDK's fetch on Node is node-fetch 2, which takes multipart bodies from `form-data` (as
// RingCentral's upload samples do), not the platform's own FormData.
const FormData = require('form-data');

const SERVER = process.env.OPENGLIP_SERVER.replace(/\/+$/, '');
const PASSWORD = process.env.OPENGLIP_USER_PASSWORD;
const [MEMBER, OUTSIDER] = process.env.OPENGLIP_MEMBER_EMAILS.split(',').map((s) => s.trim());

async function login(email) {
    // Each person's tokens under a cache prefix of their own (the SDK's store is shared).
    const sdk = new SDK({
        server: SERVER, clientId: process.env.OPENGLIP_CLIENT_ID, clientSecret: process.env.OPENGLIP_CLIENT_SECRET,
        cachePrefix: `${email}-`,
    });
    await sdk.platform().login({username: email, password: PASSWORD});
    return sdk.platform();
}

const PNG = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR', 'latin1'), Buffer.alloc(3000, 7)]);
const steps = [];
const step = (name, fn) => steps.push([name, fn]);
const state = {};

async function refused(platform, url) {
    try {
        await platform.get(url);
    } catch (e) {
        return e.response;
    }
    throw new Error(`GET ${url} was not refused`);
}

step('sign in three people; a team with the member (not the outsider)', async () => {
    state.owner = await login(process.env.OPENGLIP_USER_EMAIL);
    state.member = await login(MEMBER);
    state.outsider = await login(OUTSIDER);
    const me = await (await state.member.get('/restapi/v1.0/account/~/extension/~')).json();
    const team = await (await state.owner.post('/team-messaging/v1/teams', {
        name: 'Files from JavaScript', public: false, members: [{id: String(me.id)}],
    })).json();
    state.team = team.id;
});

step('upload multipart/form-data into the team', async () => {
    const form = new FormData();
    form.append('body', PNG, {filename: 'chart.png', contentType: 'image/png'});
    const res = await state.owner.post(`/team-messaging/v1/files?groupId=${state.team}&name=chart.png`, form);
    const files = await res.json();
    assert.equal(files.length, 1);
    assert.deepEqual(Object.keys(files[0]).sort(), ['contentUri', 'id', 'name']);
    assert.match(files[0].id, /^\d+$/);
    assert.equal(files[0].name, 'chart.png');
    state.file = files[0];
    const posts = await (await state.owner.get(`/team-messaging/v1/chats/${state.team}/posts`)).json();
    assert.deepEqual(posts.records[0].attachments, [
        {id: files[0].id, type: 'File', name: 'chart.png', contentUri: files[0].contentUri},
    ]);
});

step('a member reads the content through the SDK', async () => {
    const res = await state.member.get(state.file.contentUri);
    assert.equal(res.status, 200);
    const bytes = Buffer.from(await res.clone().arrayBuffer());
    assert.equal(res.headers.get('content-type'), 'image/png', `${res.url}: ${JSON.stringify(bytes.subarray(0, 200).toString('latin1'))}`);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
});

step('the outsider is refused (404, RingCentral error body)', async () => {
    const res = await refused(state.outsider, state.file.contentUri);
    assert.equal(res.status, 404);
    assert.equal((await res.json()).errorCode, 'CMN-102');
});

step('a bare upload, then a post attaching it by id', async () => {
    const up = await state.owner.send({
        method: 'POST',
        url: '/team-messaging/v1/files?name=notes.txt',
        body: 'line one\nline two\n',
        headers: {'Content-Type': 'text/plain'},
    });
    const [f] = await up.json();
    const post = await (await state.owner.post(`/team-messaging/v1/chats/${state.team}/posts`, {
        text: 'the notes', attachments: [{type: 'File', id: f.id}],
    })).json();
    assert.equal(post.attachments[0].contentUri, f.contentUri);
    const res = await state.member.get(f.contentUri);
    assert.equal(await res.text(), 'line one\nline two\n');
    // Plain text is shown in place (with nosniff, it can only ever be text).
    assert.match(res.headers.get('content-disposition'), /^inline;/);
    assert.equal((await refused(state.outsider, f.contentUri)).status, 404);
});

let passed = 0;
for (const [name, fn] of steps) {
    try {
        await fn();
    } catch (e) {
        console.log(`FAILED ${passed + 1} - ${name}\n  error: ${e.stack || e}`);
        if (e.response) console.log(`  response: HTTP ${e.response.status} ${await e.response.text()}`);
        console.log(`${passed} passed, 1 failed`);
        process.exit(1);
    }
    passed += 1;
    console.log(`ok ${passed} - ${name}`);
}
console.log(`${passed} passed, 0 failed`);
