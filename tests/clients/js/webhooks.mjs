// Incoming webhooks with RingCentral's JavaScript SDK (@ringcentral/sdk): a team, a webhook made
// through the SDK on both prefixes, posts through its URL in the current format (text and an
// Adaptive Card) and the legacy Glip format (icon, activity, title, body), suspended, activated,
// an unknown id, a malformed payload, deleted. The URL is posted to with plain fetch, as the
// services that use webhooks do: without a token.
//
// Environment: as scenario.mjs (OPENGLIP_SERVER, OPENGLIP_CLIENT_ID, OPENGLIP_CLIENT_SECRET,
// OPENGLIP_USER_EMAIL, OPENGLIP_USER_PASSWORD, OPENGLIP_MEMBER_EMAILS). Ends with
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
const MEMBER_EMAILS = env('OPENGLIP_MEMBER_EMAILS').split(',').map(s => s.trim()).filter(Boolean);
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const sdk = new SDK({server: SERVER, clientId: env('OPENGLIP_CLIENT_ID'), clientSecret: env('OPENGLIP_CLIENT_SECRET'), cachePrefix: 'hooks-'});
const platform = sdk.platform();
const state = {};
const steps = [];
const step = (name, fn) => steps.push({name, fn});

function checkHook(h, {withUri}) {
    for (const k of ['id', 'creatorId', 'creationTime', 'lastModifiedTime', 'status']) {
        assert.equal(typeof h[k], 'string', `webhook.${k} is a string`);
    }
    assert.match(h.creationTime, TIME);
    assert.ok(Array.isArray(h.groupIds) && h.groupIds.length === 1, 'groupIds holds the chat');
    assert.equal(h.groupIds[0], state.team);
    assert.equal(h.creatorId, state.me);
    if (withUri) {
        assert.ok(h.uri.startsWith(`${SERVER}/webhook/v2/${h.id}.`), `uri on this server: ${h.uri}`);
    } else {
        assert.equal(h.uri, undefined, 'the URL (it holds the secret) is given only once');
    }
}

// Posts to a webhook URL without a token; returns [status, body].
async function hook(uri, payload, raw) {
    const res = await fetch(uri, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: raw ?? JSON.stringify(payload)});
    return [res.status, await res.json().catch(() => null)];
}

async function newestPost() {
    const page = await (await platform.get(`/team-messaging/v1/chats/${state.team}/posts`, {recordCount: 1})).json();
    return page.records[0];
}

step('login', async () => {
    await platform.login({username: env('OPENGLIP_USER_EMAIL'), password: env('OPENGLIP_USER_PASSWORD')});
    state.me = (await platform.auth().data()).owner_id;
});

step('a team to post into', async () => {
    const team = await (await platform.post('/team-messaging/v1/teams', {name: 'Deploys', public: false, members: MEMBER_EMAILS.map(email => ({email}))})).json();
    state.team = team.id;
});

step('POST /team-messaging/v1/groups/{groupId}/webhooks (no body)', async () => {
    const h = await (await platform.post(`/team-messaging/v1/groups/${state.team}/webhooks`)).json();
    checkHook(h, {withUri: true});
    assert.equal(h.status, 'Active');
    state.hook = h;
});

step('POST /restapi/v1.0/glip/groups/{groupId}/webhooks, and both listed', async () => {
    const legacy = await (await platform.post(`/restapi/v1.0/glip/groups/${state.team}/webhooks`)).json();
    checkHook(legacy, {withUri: true});
    state.legacy = legacy;
    for (const path of [`/team-messaging/v1/groups/${state.team}/webhooks`, '/restapi/v1.0/glip/webhooks']) {
        const list = await (await platform.get(path)).json();
        assert.deepEqual(list.records.map(r => r.id), [state.hook.id, legacy.id], path);
        list.records.forEach(r => checkHook(r, {withUri: false}));
    }
    const both = await (await platform.get(`/team-messaging/v1/webhooks/${state.hook.id},${legacy.id}`)).json();
    assert.equal(both.records.length, 2, 'comma-separated ids');
});

step('post through the URL: the current format with an Adaptive Card', async () => {
    const [status, body] = await hook(state.hook.uri, {
        text: 'Deploy **42** done', activity: 'CD', title: 'prod', iconUri: 'https://cd.example/i.png',
        attachments: [{type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.0', body: [{type: 'TextBlock', text: 'All green'}]}],
    });
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body, {status: 'OK'});
    const post = await newestPost();
    assert.equal(post.text, 'Deploy **42** done');
    assert.equal(post.creatorId, state.me, 'posted as the webhook\'s creator');
    assert.equal(post.activity, 'CD');
    assert.equal(post.iconUri, 'https://cd.example/i.png');
    assert.equal(post.attachments[0].type, 'AdaptiveCard');
});

step('post through the URL: the legacy Glip format', async () => {
    const [status] = await hook(state.legacy.uri, {icon: 'https://jira.example/i.png', activity: 'Jira', title: 'PROJ-7', body: 'Moved to **Done**'});
    assert.equal(status, 200);
    const post = await newestPost();
    assert.equal(post.text, 'Moved to **Done**');
    assert.equal(post.iconUri, 'https://jira.example/i.png');
    assert.equal(post.title, 'PROJ-7');
});

step('suspended: the URL refuses; activated: it posts again', async () => {
    await platform.post(`/team-messaging/v1/webhooks/${state.hook.id}/suspend`);
    const read = await (await platform.get(`/team-messaging/v1/webhooks/${state.hook.id}`)).json();
    assert.equal(read.records[0].status, 'Suspended');
    const [status, body] = await hook(state.hook.uri, {text: 'while suspended'});
    assert.equal(status, 403);
    assert.equal(body.errorCode, 'CMN-408');
    assert.match(body.message, /suspended/);
    await platform.post(`/restapi/v1.0/glip/webhooks/${state.hook.id}/activate`);
    assert.equal((await hook(state.hook.uri, {text: 'back'}))[0], 200);
});

step('an unknown webhook and a malformed payload', async () => {
    const [s1, b1] = await hook(`${SERVER}/webhook/v2/3053f6cf-b6de-418c-a6cd-2eb222cdab4e.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, {text: 'hi'});
    assert.equal(s1, 404);
    assert.equal(b1.errorCode, 'CMN-102');
    const [s2, b2] = await hook(state.hook.uri, null, '{"text": ');
    assert.equal(s2, 400);
    assert.equal(b2.errorCode, 'CMN-103');
    const [s3, b3] = await hook(state.hook.uri, {attachments: [{type: 'Video'}]});
    assert.equal(s3, 400);
    assert.equal(b3.errors[0].parameterName, 'attachments[0].type');
});

step('DELETE /team-messaging/v1/webhooks/{id}: gone', async () => {
    await platform.delete(`/team-messaging/v1/webhooks/${state.hook.id}`);
    await assert.rejects(platform.get(`/team-messaging/v1/webhooks/${state.hook.id}`), e => e.response.status === 404);
    assert.equal((await hook(state.hook.uri, {text: 'after'}))[0], 404);
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
