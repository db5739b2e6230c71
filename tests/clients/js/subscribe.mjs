// Real-client WebSocket scenario: a subscriber receives notifications through RingCentral's own
// JavaScript SDKs (@ringcentral/sdk + @ringcentral/subscriptions, i.e. @rc-ex/ws underneath:
// POST /restapi/oauth/wstoken, the WebSocket gateway, the subscription as a ClientRequest frame),
// while a second user, logged in with the same SDK over plain REST, causes the events.
//
// Environment (crates/openglip/tests/api/clients.rs sets it up; the app needs the TeamMessaging
// and WebSocket permissions):
//   OPENGLIP_SERVER, OPENGLIP_CLIENT_ID, OPENGLIP_CLIENT_SECRET,
//   OPENGLIP_USER_EMAIL, OPENGLIP_USER_PASSWORD    the subscriber
//   OPENGLIP_SECOND_EMAIL                          the second user (same password)
//   OPENGLIP_SHARED_CHAT_ID                        a chat both belong to
//
// It prints one line per step and ends with "N passed, 0 failed" (exit 0), or with the failing
// step and its error (exit 1). Each wait for a notification gives up after 30 s.

import assert from 'node:assert/strict';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const {SDK} = require('@ringcentral/sdk');
const {Subscriptions} = require('@ringcentral/subscriptions');

function env(name) {
    const value = process.env[name];
    if (!value) {
        console.error(`missing environment variable ${name}`);
        process.exit(2);
    }
    return value;
}

const SERVER = env('OPENGLIP_SERVER').replace(/\/+$/, '');
const CLIENT_ID = env('OPENGLIP_CLIENT_ID');
const CLIENT_SECRET = env('OPENGLIP_CLIENT_SECRET');
const USER_EMAIL = env('OPENGLIP_USER_EMAIL');
const PASSWORD = env('OPENGLIP_USER_PASSWORD');
const SECOND_EMAIL = env('OPENGLIP_SECOND_EMAIL');
const SHARED_CHAT_ID = env('OPENGLIP_SHARED_CHAT_ID');
const TIMEOUT_MS = 30_000;
const FILTERS = ['/team-messaging/v1/posts', '/team-messaging/v1/chats'];

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// ---------- notifications as they arrive ----------

const received = [];
const waiters = [];

function onNotification(envelope) {
    received.push(envelope);
    for (const w of [...waiters]) {
        if (w.match(envelope)) {
            waiters.splice(waiters.indexOf(w), 1);
            clearTimeout(w.timer);
            w.resolve(envelope);
        }
    }
}

/** The first notification (already received or still to come) for which `match` holds. */
function waitFor(what, match) {
    const seen = received.find(match);
    if (seen) {return Promise.resolve(seen);}
    return new Promise((resolve, reject) => {
        const w = {match, resolve};
        w.timer = setTimeout(() => {
            waiters.splice(waiters.indexOf(w), 1);
            const got = received.map(e => `${e.event} ${e.body && e.body.eventType}`).join(', ') || 'nothing';
            reject(new Error(`no ${what} within ${TIMEOUT_MS / 1000} s (received: ${got})`));
        }, TIMEOUT_MS);
        waiters.push(w);
    });
}

function checkEnvelope(n, {event, eventType}) {
    assert.match(n.uuid, /./, 'uuid');
    assert.equal(n.event, event, 'event');
    assert.match(n.timestamp, TIME, 'timestamp');
    assert.equal(n.subscriptionId, state.subscriptionId, 'subscriptionId');
    assert.equal(n.ownerId, state.ownerId, 'ownerId is the subscriber');
    assert.equal(typeof n.body, 'object', 'body');
    assert.equal(n.body.eventType, eventType, 'body.eventType');
}

// ---------- the scenario ----------

const subscriber = new SDK({server: SERVER, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, cachePrefix: 'sub-'});
const second = new SDK({server: SERVER, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, cachePrefix: 'second-'});
const state = {};
const steps = [];
const step = (name, fn) => steps.push({name, fn});

step('both users log in', async () => {
    await subscriber.platform().login({username: USER_EMAIL, password: PASSWORD});
    state.ownerId = (await subscriber.platform().auth().data()).owner_id;
    await second.platform().login({username: SECOND_EMAIL, password: PASSWORD});
    state.secondId = (await second.platform().auth().data()).owner_id;
    assert.notEqual(state.ownerId, state.secondId);
    return `subscriber ${state.ownerId}, second ${state.secondId}`;
});

step('subscribe over WebSocket (@ringcentral/subscriptions)', async () => {
    const subscriptions = new Subscriptions({sdk: subscriber});
    const subscription = subscriptions.createSubscription();
    subscription.on(subscription.events.notification, onNotification);
    const created = await subscription.setEventFilters(FILTERS).register();
    state.subscription = subscription;
    state.rcSubscription = created;
    const info = created.subscriptionInfo;
    assert.match(info.id, UUID, 'subscription id');
    assert.equal(info.status, 'Active');
    assert.deepEqual(info.eventFilters, FILTERS);
    assert.equal(info.deliveryMode.transportType, 'WebSocket');
    const wse = created.wse;
    assert.equal(wse.connectionDetails.recoveryTimeout, 180, 'ConnectionDetails read');
    assert.ok(wse.wsc && wse.wsc.token, 'wsc token kept by the client');
    state.subscriptionId = info.id;
    return `subscription ${info.id}`;
});

step('a post by the second user arrives as PostAdded', async () => {
    const text = `Hello over the socket ${Date.now()}`;
    const res = await second.platform().post(`/team-messaging/v1/chats/${SHARED_CHAT_ID}/posts`, {text});
    assert.equal(res.status, 201);
    const post = await res.json();
    const n = await waitFor('PostAdded', e => e.body && e.body.eventType === 'PostAdded' && e.body.id === post.id);
    checkEnvelope(n, {event: '/team-messaging/v1/posts', eventType: 'PostAdded'});
    assert.equal(n.body.text, text, 'body.text');
    assert.equal(n.body.groupId, SHARED_CHAT_ID, 'body.groupId');
    assert.equal(n.body.creatorId, state.secondId, 'body.creatorId');
    assert.equal(n.body.type, 'TextMessage', 'body.type');
    assert.match(n.body.creationTime, TIME, 'body.creationTime');
    return `post ${post.id}`;
});

step('a team created with the subscriber arrives as GroupJoined', async () => {
    const res = await second.platform().post('/team-messaging/v1/teams', {
        name: `Socket team ${Date.now()}`, public: false, members: [{email: USER_EMAIL}],
    });
    assert.equal(res.status, 201);
    const team = await res.json();
    const n = await waitFor('GroupJoined', e => e.body && e.body.eventType === 'GroupJoined' && e.body.id === team.id);
    checkEnvelope(n, {event: '/team-messaging/v1/chats', eventType: 'GroupJoined'});
    assert.equal(n.body.type, 'Team', 'body.type');
    assert.equal(n.body.name, team.name, 'body.name');
    assert.ok(n.body.members.some(m => m.id === state.ownerId), 'the subscriber is a member');
    state.teamId = team.id;
    return `team ${team.id}`;
});

step('posts in the new team reach the subscriber too', async () => {
    const res = await second.platform().post(`/team-messaging/v1/chats/${state.teamId}/posts`, {text: 'welcome'});
    const post = await res.json();
    const n = await waitFor('PostAdded in the new team', e => e.body && e.body.id === post.id);
    assert.equal(n.body.groupId, state.teamId);
});

step('the SDK recovers a dropped connection and gets what it missed', async () => {
    const wse = state.rcSubscription.wse;
    const tokenBefore = wse.wsToken && wse.wsToken.ws_access_token;
    const recovered = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no recovery within 30 s')), TIMEOUT_MS);
        wse.eventEmitter.once('autoRecoverSuccess', () => { clearTimeout(timer); resolve('Successful'); });
        wse.eventEmitter.once('autoRecoverFailed', () => { clearTimeout(timer); resolve('Failed'); });
    });
    const closed = new Promise(resolve => wse.ws.addEventListener('close', resolve));
    wse.ws.close();
    await closed;
    // Posted while the subscriber is away: replayed on recovery.
    await new Promise(r => setTimeout(r, 300));
    const text = `while away ${Date.now()}`;
    const post = await (await second.platform().post(`/team-messaging/v1/chats/${SHARED_CHAT_ID}/posts`, {text})).json();
    const outcome = await recovered;
    assert.equal(outcome, 'Successful', 'recoveryState');
    assert.equal(wse.connectionDetails.recoveryState, 'Successful');
    const n = await waitFor('the missed PostAdded', e => e.body && e.body.id === post.id);
    checkEnvelope(n, {event: '/team-messaging/v1/posts', eventType: 'PostAdded'});
    assert.equal(n.body.text, text);
    // And live delivery continues on the new connection.
    const after = await (await second.platform().post(`/team-messaging/v1/chats/${SHARED_CHAT_ID}/posts`, {text: 'back'})).json();
    await waitFor('PostAdded after the recovery', e => e.body && e.body.id === after.id);
    // @rc-ex/ws reconnects with its cached wstoken (for 80 % of expires_in).
    return tokenBefore === wse.wsToken.ws_access_token ? 'recovered with the cached wstoken' : 'recovered with a new wstoken';
});

step('every notification was for this subscription, each once', async () => {
    const uuids = received.map(n => n.uuid);
    assert.equal(new Set(uuids).size, uuids.length, 'no duplicates');
    for (const n of received) {assert.equal(n.subscriptionId, state.subscriptionId);}
    return `${received.length} notifications`;
});

// ---------- runner ----------

let passed = 0;
let failed = false;
for (const [i, {name, fn}] of steps.entries()) {
    const started = Date.now();
    try {
        const note = await fn();
        passed++;
        console.log(`ok ${i + 1} - ${name}${note ? ` (${note})` : ''} [${Date.now() - started} ms]`);
    } catch (e) {
        console.log(`FAILED ${i + 1} - ${name}`);
        console.log(`  error: ${e.message}`);
        const frames = (e.stack || '').split('\n').filter(l => l.trim().startsWith('at ')).slice(0, 3);
        if (frames.length) {console.log(frames.join('\n'));}
        failed = true;
        break;
    }
}
// Stop the socket (and its recovery timer) so that the process can end.
try {
    if (state.rcSubscription) {await state.rcSubscription.wse.revoke();}
} catch (e) {
    console.log(`  (revoking the WebSocket subscription failed: ${e.message})`);
}
console.log(`${passed} passed, ${failed ? 1 : 0} failed`);
process.exit(failed ? 1 : 0);
