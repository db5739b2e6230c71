// Real-client scenario for tasks, notes and calendar events: RingCentral's JavaScript SDK
// (@ringcentral/sdk) creates, lists, updates and completes a task, publishes and locks a note,
// creates, changes and deletes an event (both API generations), and is refused in a chat the
// user is not in, with bad dates and unknown ids. Same environment as scenario.mjs (see there);
// the first member e-mail (the other person's) must sign in with the same password.
// Prints one line per step and ends with "N passed, 0 failed" (exit 0), or the failing step.

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
const CLIENT_ID = env('OPENGLIP_CLIENT_ID');
const CLIENT_SECRET = env('OPENGLIP_CLIENT_SECRET');
const USER_EMAIL = env('OPENGLIP_USER_EMAIL');
const USER_PASSWORD = env('OPENGLIP_USER_PASSWORD');
const MEMBER_EMAILS = env('OPENGLIP_MEMBER_EMAILS').split(',').map(s => s.trim()).filter(Boolean);
const OTHER_PERSON_ID = env('OPENGLIP_OTHER_PERSON_ID');
const TM = '/team-messaging/v1';
const GLIP = '/restapi/v1.0/glip';
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const isTime = (v, what) => assert.match(v, TIME, `${what} is an ISO time with milliseconds`);
const isId = (v, what) => assert.ok(typeof v === 'string' && v.length > 0, `${what} is a string id`);

// The SDK throws on a non-2xx answer; this returns its status and body instead.
async function refused(promise) {
    try {
        await promise;
    } catch (e) {
        assert.ok(e.response, `an HTTP error, got ${e.message}`);
        return {status: e.response.status, body: await e.response.json()};
    }
    assert.fail('the request succeeded');
}

const sdk = new SDK({server: SERVER, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, cachePrefix: 'tw-'});
const platform = sdk.platform();
const other = new SDK({server: SERVER, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, cachePrefix: 'tw2-'});
const state = {};
const steps = [];
const step = (name, fn) => steps.push({name, fn});

step('both people sign in; a team with the first member', async () => {
    await platform.login({username: USER_EMAIL, password: USER_PASSWORD});
    state.me = (await platform.auth().data()).owner_id;
    await other.platform().login({username: MEMBER_EMAILS[0], password: USER_PASSWORD});
    const res = await platform.post(`${TM}/teams`, {name: 'Teamwork (js)', members: [{id: OTHER_PERSON_ID}]});
    assert.equal(res.status, 201);
    state.team = (await res.json()).id;
    const solo = await other.platform().post(`${TM}/teams`, {name: 'Not yours (js)', members: []});
    state.foreign = (await solo.json()).id;
    return `team ${state.team}`;
});

step('POST /team-messaging/v1/chats/{chatId}/tasks', async () => {
    const res = await platform.post(`${TM}/chats/${state.team}/tasks`, {
        subject: 'Prepare the demo',
        assignees: [{id: OTHER_PERSON_ID}],
        completenessCondition: 'Simple',
        dueDate: '2026-12-31T17:00:00Z',
        color: 'Blue',
        section: 'Launch',
        description: 'Ten minutes, no slides',
    });
    assert.equal(res.status, 201);
    const t = await res.json();
    isId(t.id, 'task.id');
    assert.equal(t.type, 'Task');
    assert.equal(t.status, 'Pending');
    assert.deepEqual(t.chatIds, [state.team]);
    assert.equal(t.creator.id, state.me);
    assert.deepEqual(t.assignees, [{id: OTHER_PERSON_ID, status: 'Pending'}]);
    assert.equal(t.dueDate, '2026-12-31T17:00:00.000Z');
    isTime(t.creationTime, 'task.creationTime');
    state.task = t.id;
    return `task ${t.id}`;
});

step('the task is posted into the chat as its card', async () => {
    const posts = await (await platform.get(`${TM}/chats/${state.team}/posts`)).json();
    const card = posts.records[0].attachments[0];
    assert.equal(card.type, 'Task');
    assert.equal(card.id, state.task);
    assert.equal(card.title, 'Prepare the demo');
});

step('GET tasks with filters, both generations', async () => {
    for (const prefix of [TM, GLIP]) {
        const list = await (await platform.get(`${prefix}/chats/${state.team}/tasks`, {
            status: 'Pending', assigneeId: OTHER_PERSON_ID, recordCount: 10,
        })).json();
        assert.deepEqual(list.records.map(t => t.id), [state.task]);
        assert.equal(typeof list.navigation, 'object');
    }
    const none = await (await platform.get(`${TM}/chats/${state.team}/tasks`, {status: 'Completed'})).json();
    assert.deepEqual(none.records, []);
});

step('PATCH /team-messaging/v1/tasks/{taskId}', async () => {
    const list = await (await platform.send({
        method: 'PATCH', url: `${TM}/tasks/${state.task}`, body: {subject: 'Prepare the demo (v2)', color: 'Red'},
    })).json();
    assert.equal(list.records[0].subject, 'Prepare the demo (v2)');
    assert.equal(list.records[0].color, 'Red');
});

step('POST /team-messaging/v1/tasks/{taskId}/complete', async () => {
    const res = await platform.post(`${TM}/tasks/${state.task}/complete`, {status: 'Complete'});
    assert.equal(res.status, 204);
    const t = await (await platform.get(`${TM}/tasks/${state.task}`)).json();
    assert.equal(t.status, 'Completed');
    assert.equal(t.assignees[0].status, 'Completed');
});

step('notes: create a draft, publish, lock, edit, read', async () => {
    const n = await (await platform.post(`${TM}/chats/${state.team}/notes`, {
        title: 'Demo script', body: '<p>Open with the <b>numbers</b></p>',
    })).json();
    isId(n.id, 'note.id');
    assert.equal(n.status, 'Draft');
    assert.equal(n.type, 'Note');
    assert.equal(n.preview, 'Open with the numbers');
    const p = await (await platform.post(`${TM}/notes/${n.id}/publish`)).json();
    assert.equal(p.status, 'Active');
    assert.equal((await platform.post(`${TM}/notes/${n.id}/lock`)).status, 204);
    const {status, body} = await refused(other.platform().send({
        method: 'PATCH', url: `${TM}/notes/${n.id}`, body: {title: 'Hijacked'},
    }));
    assert.equal(status, 400, 'someone else holds the lock');
    assert.equal(body.errorCode, 'CMN-101');
    const e = await (await platform.send({
        method: 'PATCH', url: `${TM}/notes/${n.id}`, query: {releaseLock: true}, body: {body: 'Numbers first.'},
    })).json();
    assert.equal(e.lockedBy, undefined);
    const read = await (await platform.get(`${GLIP}/notes/${n.id}`)).json();
    assert.equal(read.body, 'Numbers first.');
    const listed = await (await other.platform().get(`${TM}/chats/${state.team}/notes`, {status: 'Active'})).json();
    assert.ok(listed.records.some(r => r.id === n.id), 'a published note is listed to members');
});

step('events: a group event, changed, read in both generations, deleted', async () => {
    const ev = await (await platform.post(`${TM}/groups/${state.team}/events`, {
        title: 'Demo day', startTime: '2026-12-30T15:00:00Z', endTime: '2026-12-30T16:00:00Z',
        recurrence: {schedule: 'None'}, color: 'Green', location: 'Main room',
    })).json();
    isId(ev.id, 'event.id');
    assert.equal(ev.creatorId, state.me);
    assert.equal(ev.recurrence.schedule, 'None');
    const put = await (await platform.put(`${TM}/events/${ev.id}`, {
        title: 'Demo day', startTime: '2026-12-30T16:00:00Z', endTime: '2026-12-30T17:00:00Z',
        recurrence: {schedule: 'Week', endingCondition: 'Count', endingAfter: 2},
    })).json();
    assert.equal(put.startTime, '2026-12-30T16:00:00.000Z');
    const legacy = await (await platform.get(`${GLIP}/events/${ev.id}`)).json();
    assert.equal(legacy.recurrence, 'Week', 'legacy: flat recurrence');
    assert.equal(legacy.endingAfter, 2);
    const group = await (await platform.get(`${TM}/groups/${state.team}/events`)).json();
    assert.deepEqual(group.records.map(r => r.id), [ev.id]);
    assert.equal((await platform.delete(`${TM}/events/${ev.id}`)).status, 200);
    const gone = await refused(platform.get(`${TM}/events/${ev.id}`));
    assert.equal(gone.status, 404);
});

step('refused: a chat the user is not in, bad dates, unknown ids; nothing stored', async () => {
    let r = await refused(platform.post(`${TM}/chats/${state.foreign}/tasks`, {subject: 'x', assignees: []}));
    assert.equal(r.status, 404);
    assert.equal(r.body.errorCode, 'CMN-102');
    assert.equal(r.body.errors[0].parameterName, 'chatId');
    r = await refused(platform.post(`${TM}/chats/${state.foreign}/notes`, {title: 'x'}));
    assert.equal(r.status, 404);
    r = await refused(platform.post(`${TM}/chats/${state.team}/tasks`, {subject: 'x', assignees: [], dueDate: 'tomorrow'}));
    assert.equal(r.status, 400);
    assert.equal(r.body.errors[0].parameterName, 'dueDate');
    r = await refused(platform.post(`${TM}/events`, {title: 'x', startTime: '2026-12-30T16:00:00Z', endTime: '2026-12-30T15:00:00Z'}));
    assert.equal(r.status, 400);
    assert.equal(r.body.errors[0].parameterName, 'endTime');
    r = await refused(platform.get(`${TM}/tasks/987654321`));
    assert.equal(r.status, 404);
    assert.equal(r.body.errors[0].parameterName, 'taskId');
    r = await refused(platform.post(`${TM}/notes/987654321/lock`));
    assert.equal(r.status, 404);
    const tasks = await (await other.platform().get(`${TM}/chats/${state.foreign}/tasks`)).json();
    assert.deepEqual(tasks.records, [], 'nothing stored in the foreign chat');
    const mine = await (await platform.get(`${TM}/events`)).json();
    assert.deepEqual(mine.records, [], 'no event stored');
});

let passed = 0;
for (const [i, {name, fn}] of steps.entries()) {
    try {
        const note = await fn();
        passed++;
        console.log(`ok ${i + 1} - ${name}${note ? ` (${note})` : ''}`);
    } catch (e) {
        console.log(`FAILED ${i + 1} - ${name}`);
        console.log(`  error: ${e.message}`);
        if (e.response) {
            const body = await e.response.clone().text().catch(() => '');
            console.log(`  response: HTTP ${e.response.status} ${e.response.url || ''}\n  body: ${body.slice(0, 2000)}`);
        }
        console.log(`${passed} passed, 1 failed`);
        process.exit(1);
    }
}
console.log(`${passed} passed, 0 failed`);
