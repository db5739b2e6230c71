// Real-client compatibility scenario: drives a running openglip with RingCentral's own
// JavaScript SDK (@ringcentral/sdk) and checks field names and JSON types at every step.
//
// Run by hand (tests/clients/run-against.sh does all of this for you):
//   (cd tests/clients/js && npm ci)
//   openglip admin account create --data-dir D --name Acme --admin-email admin@example.com --admin-password P
//       # prints accountId, mainNumber, adminExtensionNumber
//   openglip admin user create --data-dir D --account-id A --email alice@example.com --first-name Alice \
//       --last-name Adams --password P          # prints the id; the same for bob@example.com
//   openglip admin app create --data-dir D --account-id A --name scenarios --grant password \
//       --grant refresh_token --permission TeamMessaging --permission ReadAccounts   # clientId, clientSecret
//   OPENGLIP_RATE_LIMITS=off openglip serve --data-dir D --listen 127.0.0.1:8080
//   OPENGLIP_SERVER=http://127.0.0.1:8080 OPENGLIP_CLIENT_ID=... OPENGLIP_CLIENT_SECRET=... \
//   OPENGLIP_USER_EMAIL=admin@example.com OPENGLIP_USER_PASSWORD=P \
//   OPENGLIP_MAIN_NUMBER=<mainNumber> OPENGLIP_USER_EXTENSION=<adminExtensionNumber> \
//   OPENGLIP_MEMBER_EMAILS=alice@example.com,bob@example.com OPENGLIP_OTHER_PERSON_ID=<alice's id> \
//   node tests/clients/js/scenario.mjs
//
// The scenario sends about 200 requests: run the server with OPENGLIP_RATE_LIMITS=off.
// It prints one line per step and ends with "N passed, 0 failed" (exit 0), or with the
// failing step and its error (exit 1).

import assert from 'node:assert/strict';
import {createRequire} from 'node:module';

// NODE_PATH is honoured by require(), not by ESM imports: load the SDK through require.
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
const MAIN_NUMBER = env('OPENGLIP_MAIN_NUMBER');
const USER_EXTENSION = env('OPENGLIP_USER_EXTENSION');
const MEMBER_EMAILS = env('OPENGLIP_MEMBER_EMAILS').split(',').map(s => s.trim()).filter(Boolean);
const OTHER_PERSON_ID = env('OPENGLIP_OTHER_PERSON_ID');
assert.equal(MEMBER_EMAILS.length, 2, 'OPENGLIP_MEMBER_EMAILS must hold two e-mails');

// ---------- helpers ----------

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function isTime(value, what) {
    assert.equal(typeof value, 'string', `${what} is a string`);
    assert.match(value, TIME, `${what} is an ISO time with milliseconds ending in Z`);
}

function isId(value, what) {
    assert.equal(typeof value, 'string', `${what} is a string id`);
    assert.ok(value.length > 0, `${what} is not empty`);
}

function isStr(value, what) {
    assert.equal(typeof value, 'string', `${what} is a string`);
}

function checkPost(post, {groupId, text, creatorId}) {
    isId(post.id, 'post.id');
    assert.equal(post.groupId, groupId, 'post.groupId');
    assert.equal(post.type, 'TextMessage', 'post.type');
    assert.equal(post.text, text, 'post.text');
    assert.equal(post.creatorId, creatorId, 'post.creatorId');
    isTime(post.creationTime, 'post.creationTime');
    isTime(post.lastModifiedTime, 'post.lastModifiedTime');
}

function checkLegacyGroup(group) {
    isId(group.id, 'group.id');
    isStr(group.type, 'group.type');
    assert.ok(Array.isArray(group.members), 'group.members is an array');
    group.members.forEach((m, i) => isId(m, `group.members[${i}]`));
    isTime(group.creationTime, 'group.creationTime');
    isTime(group.lastModifiedTime, 'group.lastModifiedTime');
}

function checkPerson(person, id) {
    assert.equal(person.id, id, 'person.id');
    for (const f of ['firstName', 'lastName', 'email']) {isStr(person[f], `person.${f}`);}
    isId(person.companyId, 'person.companyId');
    isTime(person.creationTime, 'person.creationTime');
    isTime(person.lastModifiedTime, 'person.lastModifiedTime');
}

// Raw request outside the SDK (the SDK would refresh the token and retry on 401).
async function raw(path, token) {
    return fetch(SERVER + path, {headers: {Authorization: `Bearer ${token}`, Accept: 'application/json'}});
}

// Follows navigation.nextPageToken from the first page to the last; checks that every page
// but the last is full and that the text posts are exactly `created`, newest first.
async function pageThrough(platform, path, query, created) {
    const pages = [];
    let pageToken;
    for (let i = 0; i < 100; i++) {
        const res = await platform.get(path, {...query, ...(pageToken ? {pageToken} : {})});
        const page = await res.json();
        assert.ok(Array.isArray(page.records), 'records is an array');
        assert.equal(typeof page.navigation, 'object', 'navigation is an object');
        pages.push(page);
        pageToken = page.navigation.nextPageToken;
        if (!pageToken) {break;}
        isStr(pageToken, 'navigation.nextPageToken');
        assert.equal(page.records.length, query.recordCount, `page ${pages.length} is full`);
    }
    assert.ok(pages.at(-1).records.length > 0, 'the last page is not empty');
    const records = pages.flatMap(p => p.records);
    const textIds = records.filter(r => r.type === 'TextMessage').map(r => r.id);
    assert.deepEqual(textIds, [...created].reverse(), 'every text post exactly once, newest first');
    for (const r of records) {
        isId(r.id, 'post.id');
        isTime(r.creationTime, 'post.creationTime');
        if (r.type === 'PersonsAdded') {
            assert.ok(Array.isArray(r.addedPersonIds), 'PersonsAdded post has addedPersonIds');
        }
    }
    for (let i = 1; i < records.length; i++) {
        assert.ok(records[i - 1].creationTime >= records[i].creationTime, 'records are newest first');
    }
    assert.equal(pages.length, Math.ceil(records.length / query.recordCount), 'number of pages');
    assert.ok(pages.length >= 3, 'at least three pages');

    // Back from the last page with prevPageToken: the same records as the page before it.
    const prevPageToken = pages.at(-1).navigation.prevPageToken;
    isStr(prevPageToken, 'navigation.prevPageToken of the last page');
    const back = await (await platform.get(path, {...query, pageToken: prevPageToken})).json();
    assert.deepEqual(back.records.map(r => r.id), pages.at(-2).records.map(r => r.id), 'prevPageToken page');
    return pages.map(p => p.records.length).join('+');
}

// ---------- the scenario ----------

const sdk = new SDK({server: SERVER, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, cachePrefix: 'main-'});
const platform = sdk.platform();
const state = {};
const steps = [];
const step = (name, fn) => steps.push({name, fn});

step('login with the password grant (e-mail)', async () => {
    await platform.login({username: USER_EMAIL, password: USER_PASSWORD});
    const t = await platform.auth().data();
    isStr(t.access_token, 'access_token');
    assert.ok(t.access_token.length > 0);
    assert.equal(t.token_type, 'bearer', 'token_type');
    assert.equal(typeof t.expires_in, 'number', 'expires_in is a number');
    assert.ok(t.expires_in > 0);
    isStr(t.refresh_token, 'refresh_token');
    assert.equal(typeof t.refresh_token_expires_in, 'number', 'refresh_token_expires_in is a number');
    isStr(t.scope, 'scope');
    isId(t.owner_id, 'owner_id');
    isStr(t.endpoint_id, 'endpoint_id');
    state.ownerId = t.owner_id;
    return `owner_id ${t.owner_id}`;
});

step('login with main number and extension (username=main*ext)', async () => {
    const other = new SDK({server: SERVER, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, cachePrefix: 'ext-'});
    await other.platform().login({username: MAIN_NUMBER, extension: USER_EXTENSION, password: USER_PASSWORD});
    const t = await other.platform().auth().data();
    assert.equal(t.owner_id, state.ownerId, 'same user as the e-mail login');
    assert.notEqual(t.access_token, (await platform.auth().data()).access_token, 'a separate session');
    await other.platform().logout();
});

step('GET /restapi/v1.0/account/~/extension/~', async () => {
    const ext = await (await platform.get('/restapi/v1.0/account/~/extension/~')).json();
    assert.equal(typeof ext.id, 'number', 'extension id is a JSON number');
    assert.equal(String(ext.id), state.ownerId, 'extension id is owner_id');
    assert.equal(ext.type, 'User');
    assert.equal(ext.status, 'Enabled');
    isStr(ext.extensionNumber, 'extensionNumber');
    assert.equal(ext.extensionNumber, USER_EXTENSION);
    assert.equal(ext.contact.email, USER_EMAIL, 'contact.email');
    isId(ext.account.id, 'account.id');
    state.accountId = ext.account.id;
});

step('GET /restapi/v1.0/account/~', async () => {
    const acc = await (await platform.get('/restapi/v1.0/account/~')).json();
    assert.equal(typeof acc.id, 'number', 'account id is a JSON number');
    assert.equal(String(acc.id), state.accountId, 'same account as the extension');
    isStr(acc.status, 'status');
    isStr(acc.mainNumber, 'mainNumber');
});

step('POST /restapi/v1.0/glip/groups (Team)', async () => {
    const res = await platform.post('/restapi/v1.0/glip/groups', {
        type: 'Team', isPublic: true, name: 'Scenario team (js)', description: 'made by scenario.mjs',
        members: MEMBER_EMAILS,
    });
    assert.equal(res.status, 200);
    const g = await res.json();
    checkLegacyGroup(g);
    assert.equal(g.type, 'Team');
    assert.equal(g.isPublic, true);
    assert.equal(g.name, 'Scenario team (js)');
    assert.equal(g.description, 'made by scenario.mjs');
    assert.ok(g.members.includes(state.ownerId), 'creator is a member');
    assert.ok(g.members.includes(OTHER_PERSON_ID), 'other person is a member');
    assert.equal(g.members.length, 3, 'creator and the two others');
    state.groupId = g.id;
    state.created = [];
    return `group ${g.id}`;
});

step('POST /restapi/v1.0/glip/posts (SmartFriend reply)', async () => {
    const text = 'Hi John, Nice to meet you! How can I help you?';
    const res = await platform.post('/restapi/v1.0/glip/posts', {groupId: state.groupId, text});
    assert.equal(res.status, 200);
    const post = await res.json();
    checkPost(post, {groupId: state.groupId, text, creatorId: state.ownerId});
    state.created.push(post.id);
});

step('POST /restapi/v1.0/glip/posts with a mention', async () => {
    const text = `Welcome ![:Person](${OTHER_PERSON_ID})!`;
    const res = await platform.post('/restapi/v1.0/glip/posts', {groupId: state.groupId, text});
    assert.equal(res.status, 200);
    const post = await res.json();
    checkPost(post, {groupId: state.groupId, text, creatorId: state.ownerId});
    assert.ok(Array.isArray(post.mentions), 'mentions is an array');
    assert.equal(post.mentions.length, 1);
    assert.equal(post.mentions[0].id, OTHER_PERSON_ID, 'mentions[0].id');
    assert.equal(post.mentions[0].type, 'Person', 'mentions[0].type');
    isStr(post.mentions[0].name, 'mentions[0].name');
    assert.ok(post.mentions[0].name.length > 0, 'mentions[0].name is not empty');
    state.created.push(post.id);
});

step('POST /restapi/v1.0/glip/groups/{id}/posts x70', async () => {
    for (let i = 1; i <= 70; i++) {
        const text = `message ${i}`;
        const res = await platform.post(`/restapi/v1.0/glip/groups/${state.groupId}/posts`, {text});
        assert.equal(res.status, 200);
        const post = await res.json();
        checkPost(post, {groupId: state.groupId, text, creatorId: state.ownerId});
        state.created.push(post.id);
    }
});

step('GET /restapi/v1.0/glip/posts paging (recordCount=25)', async () =>
    pageThrough(platform, '/restapi/v1.0/glip/posts', {groupId: state.groupId, recordCount: 25}, state.created));

step('POST and page /team-messaging/v1/chats/{id}/posts', async () => {
    for (let i = 1; i <= 3; i++) {
        const text = `v1 message ${i}`;
        const res = await platform.post(`/team-messaging/v1/chats/${state.groupId}/posts`, {text});
        assert.equal(res.status, 201, 'create returns 201');
        const post = await res.json();
        checkPost(post, {groupId: state.groupId, text, creatorId: state.ownerId});
        state.created.push(post.id);
    }
    return pageThrough(platform, `/team-messaging/v1/chats/${state.groupId}/posts`, {recordCount: 25}, state.created);
});

step('GET /restapi/v1.0/glip/persons/{id}', async () => {
    const person = await (await platform.get(`/restapi/v1.0/glip/persons/${OTHER_PERSON_ID}`)).json();
    checkPerson(person, OTHER_PERSON_ID);
    assert.equal(person.companyId, state.accountId, 'companyId is the account id');
    assert.ok(MEMBER_EMAILS.includes(person.email), 'email is one of the member e-mails');
    state.otherEmail = person.email;
});

step('GET /restapi/v1.0/glip/persons/{id1},{id2} (207 multipart)', async () => {
    const res = await platform.get(`/restapi/v1.0/glip/persons/${OTHER_PERSON_ID},${state.ownerId}`);
    assert.equal(res.status, 207, 'several ids answer 207');
    assert.match(res.headers.get('content-type') || '', /^multipart\/mixed/i);
    const parts = await sdk.multipart(res);
    assert.equal(parts.length, 2, 'one part per id');
    const persons = [];
    for (const part of parts) {
        assert.equal(part.status, 200, 'part status');
        persons.push(await part.json());
    }
    checkPerson(persons[0], OTHER_PERSON_ID);
    checkPerson(persons[1], state.ownerId);
    assert.equal(persons[1].email, USER_EMAIL);
});

step('POST /restapi/v1.0/glip/groups/{id}/bulk-assign', async () => {
    const path = `/restapi/v1.0/glip/groups/${state.groupId}/bulk-assign`;
    const assign = async body => {
        const res = await platform.post(path, body);
        assert.equal(res.status, 200);
        const g = await res.json();
        checkLegacyGroup(g);
        assert.equal(g.id, state.groupId);
        assert.equal(g.type, 'Team');
        return g.members;
    };
    let members = await assign({removedPersonIds: [OTHER_PERSON_ID]});
    assert.ok(!members.includes(OTHER_PERSON_ID), 'removed by id');
    assert.ok(members.includes(state.ownerId));
    members = await assign({addedPersonIds: [OTHER_PERSON_ID]});
    assert.ok(members.includes(OTHER_PERSON_ID), 'added by id');
    members = await assign({removedPersonIds: [OTHER_PERSON_ID]});
    assert.ok(!members.includes(OTHER_PERSON_ID), 'removed again');
    members = await assign({addedPersonEmails: [state.otherEmail]});
    assert.ok(members.includes(OTHER_PERSON_ID), 'added by e-mail');
    assert.equal(members.length, 3);
    const g = await (await platform.get(`/restapi/v1.0/glip/groups/${state.groupId}`)).json();
    checkLegacyGroup(g);
    assert.deepEqual([...g.members].sort(), [...members].sort(), 'GET group shows the same members');
});

step('GET /restapi/v1.0/glip/groups?type=Team', async () => {
    const list = await (await platform.get('/restapi/v1.0/glip/groups', {type: 'Team'})).json();
    assert.ok(Array.isArray(list.records));
    assert.equal(typeof list.navigation, 'object', 'navigation is an object');
    list.records.forEach(checkLegacyGroup);
    assert.ok(list.records.every(g => g.type === 'Team'), 'all records are Team');
    assert.ok(list.records.some(g => g.id === state.groupId), 'our team is listed');
});

step('GET /restapi/v1.0/glip/groups?type=PersonalChat', async () => {
    const list = await (await platform.get('/restapi/v1.0/glip/groups', {type: 'PersonalChat'})).json();
    assert.equal(list.records.length, 1, 'exactly one personal chat');
    const g = list.records[0];
    checkLegacyGroup(g);
    assert.equal(g.type, 'PersonalChat');
    assert.deepEqual(g.members, [state.ownerId], 'it is the user\'s own');
});

step('GET /team-messaging/v1/chats?type=Team&type=Everyone', async () => {
    const list = await (await platform.get('/team-messaging/v1/chats', {type: ['Team', 'Everyone']})).json();
    assert.ok(Array.isArray(list.records));
    for (const c of list.records) {
        isId(c.id, 'chat.id');
        assert.ok(['Team', 'Everyone'].includes(c.type), `chat type ${c.type}`);
        isTime(c.creationTime, 'chat.creationTime');
        isTime(c.lastModifiedTime, 'chat.lastModifiedTime');
        assert.ok(Array.isArray(c.members), 'chat.members is an array');
        c.members.forEach((m, i) => isId(m.id, `chat.members[${i}].id`));
    }
    const team = list.records.find(c => c.id === state.groupId);
    assert.ok(team, 'our team is listed');
    assert.equal(team.public, true, 'public (not isPublic) on /team-messaging');
    assert.equal(team.name, 'Scenario team (js)');
    assert.equal(team.members.length, 3);
    assert.equal(list.records.filter(c => c.type === 'Everyone').length, 1, 'one Everyone team');
});

step('platform.refresh()', async () => {
    const before = await platform.auth().data();
    await platform.refresh();
    const after = await platform.auth().data();
    isStr(after.access_token, 'new access_token');
    assert.notEqual(after.access_token, before.access_token, 'new access token differs');
    assert.notEqual(after.refresh_token, before.refresh_token, 'new refresh token differs');
    assert.equal(after.owner_id, state.ownerId);
    assert.equal((await raw('/restapi/v1.0/account/~/extension/~', before.access_token)).status, 401,
        'the old access token is rejected');
    assert.equal((await raw('/restapi/v1.0/account/~/extension/~', after.access_token)).status, 200,
        'the new access token works');
    state.oldRefreshToken = before.refresh_token;
});

step('GET /team-messaging/v1/chats/999999999 (404 error)', async () => {
    let error;
    try {
        await platform.get('/team-messaging/v1/chats/999999999');
    } catch (e) {
        error = e;
    }
    assert.ok(error, 'the SDK throws');
    assert.ok(error.response, 'the error carries the response');
    assert.equal(error.response.status, 404);
    const body = await error.response.clone().json();
    assert.equal(body.errorCode, 'CMN-102');
    isStr(body.message, 'message');
    assert.ok(Array.isArray(body.errors) && body.errors.length > 0, 'errors[]');
    assert.equal(body.errors[0].errorCode, 'CMN-102');
    isStr(body.errors[0].message, 'errors[0].message');
});

step('GET /team-messaging/v1/search/posts (openglip extension)', async () => {
    const res = await platform.get('/team-messaging/v1/search/posts', {q: 'nice meet', chatId: state.groupId, recordCount: 5});
    const page = await res.json();
    assert.ok(page.records.length > 0, 'the reply is found');
    for (const r of page.records) {
        assert.equal(r.chatId, state.groupId);
        assert.match(r.highlight, /<mark>Nice<\/mark> to <mark>meet<\/mark>/);
        isTime(r.creationTime, 'record.creationTime');
    }
});

// The files of a ZIP archive of stored entries (what openglip's datasets are): name -> text.
function unzipStored(buf) {
    const files = {};
    let at = 0;
    while (buf.readUInt32LE(at) === 0x04034b50) {
        assert.equal(buf.readUInt16LE(at + 8), 0, 'a stored entry');
        const size = buf.readUInt32LE(at + 18);
        const nameLen = buf.readUInt16LE(at + 26);
        const extra = buf.readUInt16LE(at + 28);
        const name = buf.subarray(at + 30, at + 30 + nameLen).toString('utf8');
        const start = at + 30 + nameLen + extra;
        files[name] = buf.subarray(start, start + size).toString('utf8');
        at = start + size;
    }
    return files;
}

step('POST /team-messaging/v1/data-export, poll until Completed, download the dataset', async () => {
    const created = await platform.post('/team-messaging/v1/data-export', {chatIds: [state.groupId]});
    assert.equal(created.status, 202);
    let task = await created.json();
    isId(task.id, 'task.id');
    assert.deepEqual(task.specific.chatIds, [state.groupId]);
    for (let i = 0; i < 100 && task.status !== 'Completed'; i++) {
        assert.ok(['Accepted', 'InProgress'].includes(task.status), `status ${task.status}`);
        await new Promise((r) => setTimeout(r, 200));
        task = await (await platform.get(`/team-messaging/v1/data-export/${task.id}`)).json();
    }
    assert.equal(task.status, 'Completed');
    assert.equal(task.datasets.length, 1);
    const uri = task.datasets[0].uri;
    const res = await platform.get(uri.slice(uri.indexOf('/team-messaging/')));
    assert.equal(res.headers.get('content-type'), 'application/zip');
    const buf = Buffer.from(await res.arrayBuffer());
    assert.equal(buf.length, task.datasets[0].size, 'the size the task announced');
    const files = unzipStored(buf);
    const posts = JSON.parse(files['posts.json']);
    assert.ok(posts.length >= 70, 'the group\'s posts');
    assert.ok(posts.every((p) => p.groupId === state.groupId), 'only the chat asked');
    const list = await (await platform.get('/team-messaging/v1/data-export')).json();
    assert.ok(list.tasks.some((t) => t.id === task.id), 'listed');
    assert.equal(list.paging.totalElements, list.tasks.length);
});

step('platform.logout() revokes the token', async () => {
    const {access_token: token} = await platform.auth().data();
    const res = await platform.logout();
    assert.ok(res.ok, 'revoke succeeds');
    const after = await raw('/restapi/v1.0/account/~/extension/~', token);
    assert.equal(after.status, 401, 'the revoked access token is rejected');
    isStr((await after.json()).errorCode, '401 body errorCode');
    // The refresh token spent by platform.refresh() stays rejected. (Checked last: a server may
    // revoke the whole token family when a spent refresh token is presented again.)
    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
    const reuse = await fetch(`${SERVER}/restapi/oauth/token`, {
        method: 'POST',
        headers: {Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded'},
        body: new URLSearchParams({grant_type: 'refresh_token', refresh_token: state.oldRefreshToken}),
    });
    assert.equal(reuse.status, 400, 'the spent refresh token is rejected');
    assert.equal((await reuse.json()).error, 'invalid_grant');
});

// ---------- runner ----------

let passed = 0;
for (const [i, {name, fn}] of steps.entries()) {
    const started = Date.now();
    try {
        const note = await fn();
        passed++;
        console.log(`ok ${i + 1} - ${name}${note ? ` (${note})` : ''} [${Date.now() - started} ms]`);
    } catch (e) {
        console.log(`FAILED ${i + 1} - ${name}`);
        console.log(`  error: ${e.message}`);
        if (e.response) {
            const body = await e.response.clone().text().catch(() => '');
            console.log(`  response: HTTP ${e.response.status} ${e.response.url || ''}\n  body: ${body.slice(0, 2000)}`);
        }
        const frames = (e.stack || '').split('\n').filter(l => l.trim().startsWith('at ')).slice(0, 3);
        if (frames.length) {console.log(frames.join('\n'));}
        console.log(`${passed} passed, 1 failed`);
        process.exit(1);
    }
}
console.log(`${passed} passed, 0 failed`);
