#!/usr/bin/env python3
"""Real-client compatibility scenario: drives a running openglip with RingCentral's own Python
SDK (PyPI `ringcentral`) and checks field names and JSON types at every step.

Run by hand (tests/clients/run-against.sh does all of this for you):
    python3 -m pip install --target tests/clients/python/.deps -r tests/clients/python/requirements.txt
    openglip admin account create --data-dir D --name Acme --admin-email admin@example.com --admin-password P
        # prints accountId, mainNumber, adminExtensionNumber
    openglip admin user create --data-dir D --account-id A --email alice@example.com --first-name Alice \
        --last-name Adams --password P          # prints the id; the same for bob@example.com
    openglip admin app create --data-dir D --account-id A --name scenarios --grant password \
        --grant refresh_token --permission TeamMessaging --permission ReadAccounts   # clientId, clientSecret
    OPENGLIP_RATE_LIMITS=off openglip serve --data-dir D --listen 127.0.0.1:8080
    OPENGLIP_SERVER=http://127.0.0.1:8080 OPENGLIP_CLIENT_ID=... OPENGLIP_CLIENT_SECRET=... \
    OPENGLIP_USER_EMAIL=admin@example.com OPENGLIP_USER_PASSWORD=P \
    OPENGLIP_MAIN_NUMBER=<mainNumber> OPENGLIP_USER_EXTENSION=<adminExtensionNumber> \
    OPENGLIP_MEMBER_EMAILS=alice@example.com,bob@example.com OPENGLIP_OTHER_PERSON_ID=<alice's id> \
    python3 tests/clients/python/scenario.py

The SDK is found in tests/clients/python/.deps (added to sys.path below) or on PYTHONPATH.
The scenario sends about 200 requests: run the server with OPENGLIP_RATE_LIMITS=off.
It prints one line per step and ends with "N passed, 0 failed" (exit 0), or with the failing
step and its error (exit 1).
"""

import base64
import json
import math
import os
import re
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".deps"))

from ringcentral import SDK  # noqa: E402
from ringcentral.http.api_exception import ApiException  # noqa: E402

# The SDK warns that the password grant is deprecated on every login.
warnings.filterwarnings("ignore", message="username-password login")


def env(name):
    value = os.environ.get(name)
    if not value:
        print(f"missing environment variable {name}", file=sys.stderr)
        sys.exit(2)
    return value


SERVER = env("OPENGLIP_SERVER").rstrip("/")
CLIENT_ID = env("OPENGLIP_CLIENT_ID")
CLIENT_SECRET = env("OPENGLIP_CLIENT_SECRET")
USER_EMAIL = env("OPENGLIP_USER_EMAIL")
USER_PASSWORD = env("OPENGLIP_USER_PASSWORD")
MAIN_NUMBER = env("OPENGLIP_MAIN_NUMBER")
USER_EXTENSION = env("OPENGLIP_USER_EXTENSION")
MEMBER_EMAILS = [s.strip() for s in env("OPENGLIP_MEMBER_EMAILS").split(",") if s.strip()]
OTHER_PERSON_ID = env("OPENGLIP_OTHER_PERSON_ID")
assert len(MEMBER_EMAILS) == 2, "OPENGLIP_MEMBER_EMAILS must hold two e-mails"

# ---------- helpers ----------

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def is_time(value, what):
    assert isinstance(value, str), f"{what} is a string, got {value!r}"
    assert TIME.match(value), f"{what} is an ISO time with milliseconds ending in Z, got {value!r}"


def is_id(value, what):
    assert isinstance(value, str) and value, f"{what} is a non-empty string id, got {value!r}"


def is_str(value, what):
    assert isinstance(value, str), f"{what} is a string, got {value!r}"


def is_int(value, what):
    assert isinstance(value, int) and not isinstance(value, bool), f"{what} is a JSON number, got {value!r}"


def eq(got, expected, what):
    assert got == expected, f"{what}: expected {expected!r}, got {got!r}"


def check_post(post, group_id, text, creator_id):
    is_id(post.get("id"), "post.id")
    eq(post.get("groupId"), group_id, "post.groupId")
    eq(post.get("type"), "TextMessage", "post.type")
    eq(post.get("text"), text, "post.text")
    eq(post.get("creatorId"), creator_id, "post.creatorId")
    is_time(post.get("creationTime"), "post.creationTime")
    is_time(post.get("lastModifiedTime"), "post.lastModifiedTime")


def check_legacy_group(group):
    is_id(group.get("id"), "group.id")
    is_str(group.get("type"), "group.type")
    assert isinstance(group.get("members"), list), "group.members is an array"
    for i, m in enumerate(group["members"]):
        is_id(m, f"group.members[{i}]")
    is_time(group.get("creationTime"), "group.creationTime")
    is_time(group.get("lastModifiedTime"), "group.lastModifiedTime")


def check_person(person, person_id):
    eq(person.get("id"), person_id, "person.id")
    for f in ("firstName", "lastName", "email"):
        is_str(person.get(f), f"person.{f}")
    is_id(person.get("companyId"), "person.companyId")
    is_time(person.get("creationTime"), "person.creationTime")
    is_time(person.get("lastModifiedTime"), "person.lastModifiedTime")


def raw(method, path, headers=None, data=None):
    """A request outside the SDK; returns (status, body bytes)."""
    req = urllib.request.Request(SERVER + path, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            return res.status, res.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def raw_get(path, token):
    return raw("GET", path, {"Authorization": f"Bearer {token}", "Accept": "application/json"})


def page_through(platform, path, query, created):
    """Follows navigation.nextPageToken from the first page to the last; checks that every
    page but the last is full and that the text posts are exactly `created`, newest first."""
    pages = []
    page_token = None
    for _ in range(100):
        q = dict(query, pageToken=page_token) if page_token else dict(query)
        page = platform.get(path, q).json_dict()
        assert isinstance(page.get("records"), list), "records is an array"
        assert isinstance(page.get("navigation"), dict), "navigation is an object"
        pages.append(page)
        page_token = page["navigation"].get("nextPageToken")
        if not page_token:
            break
        is_str(page_token, "navigation.nextPageToken")
        eq(len(page["records"]), query["recordCount"], f"size of page {len(pages)}")
    assert pages[-1]["records"], "the last page is not empty"
    records = [r for p in pages for r in p["records"]]
    text_ids = [r["id"] for r in records if r.get("type") == "TextMessage"]
    assert text_ids == list(reversed(created)), "every text post exactly once, newest first"
    for r in records:
        is_id(r.get("id"), "post.id")
        is_time(r.get("creationTime"), "post.creationTime")
        if r.get("type") == "PersonsAdded":
            assert isinstance(r.get("addedPersonIds"), list), "PersonsAdded post has addedPersonIds"
    for a, b in zip(records, records[1:]):
        assert a["creationTime"] >= b["creationTime"], "records are newest first"
    eq(len(pages), math.ceil(len(records) / query["recordCount"]), "number of pages")
    assert len(pages) >= 3, "at least three pages"

    # Back from the last page with prevPageToken: the same records as the page before it.
    prev = pages[-1]["navigation"].get("prevPageToken")
    is_str(prev, "navigation.prevPageToken of the last page")
    back = platform.get(path, dict(query, pageToken=prev)).json_dict()
    eq([r["id"] for r in back["records"]], [r["id"] for r in pages[-2]["records"]], "prevPageToken page")
    return "+".join(str(len(p["records"])) for p in pages)


# ---------- the scenario ----------

sdk = SDK(CLIENT_ID, CLIENT_SECRET, SERVER)
platform = sdk.platform()
state = {}
steps = []


def step(name):
    def register(fn):
        steps.append((name, fn))
        return fn
    return register


@step("login with the password grant (e-mail)")
def _():
    t = platform.login(username=USER_EMAIL, password=USER_PASSWORD).json_dict()
    is_str(t.get("access_token"), "access_token")
    assert t["access_token"], "access_token is not empty"
    eq(t.get("token_type"), "bearer", "token_type")
    is_int(t.get("expires_in"), "expires_in")
    assert t["expires_in"] > 0
    is_str(t.get("refresh_token"), "refresh_token")
    is_int(t.get("refresh_token_expires_in"), "refresh_token_expires_in")
    is_str(t.get("scope"), "scope")
    is_id(t.get("owner_id"), "owner_id")
    is_str(t.get("endpoint_id"), "endpoint_id")
    eq(platform.auth().data()["access_token"], t["access_token"], "the SDK keeps the token")
    state["owner_id"] = t["owner_id"]
    return f"owner_id {t['owner_id']}"


@step("login with main number and a separate extension field")
def _():
    other = SDK(CLIENT_ID, CLIENT_SECRET, SERVER).platform()
    t = other.login(username=MAIN_NUMBER, extension=USER_EXTENSION, password=USER_PASSWORD).json_dict()
    eq(t.get("owner_id"), state["owner_id"], "same user as the e-mail login")
    assert t["access_token"] != platform.auth().access_token(), "a separate session"
    other.logout()


@step("GET /restapi/v1.0/account/~/extension/~")
def _():
    ext = platform.get("/restapi/v1.0/account/~/extension/~").json_dict()
    is_int(ext.get("id"), "extension id")
    eq(str(ext["id"]), state["owner_id"], "extension id is owner_id")
    eq(ext.get("type"), "User", "type")
    eq(ext.get("status"), "Enabled", "status")
    eq(ext.get("extensionNumber"), USER_EXTENSION, "extensionNumber")
    eq(ext.get("contact", {}).get("email"), USER_EMAIL, "contact.email")
    is_id(ext.get("account", {}).get("id"), "account.id")
    state["account_id"] = ext["account"]["id"]


@step("GET /restapi/v1.0/account/~")
def _():
    acc = platform.get("/restapi/v1.0/account/~").json_dict()
    is_int(acc.get("id"), "account id")
    eq(str(acc["id"]), state["account_id"], "same account as the extension")
    is_str(acc.get("status"), "status")
    eq(acc.get("mainNumber"), MAIN_NUMBER, "mainNumber")


@step("POST /restapi/v1.0/glip/groups (Team)")
def _():
    res = platform.post("/restapi/v1.0/glip/groups", {
        "type": "Team", "isPublic": True, "name": "Scenario team (py)",
        "description": "made by scenario.py", "members": MEMBER_EMAILS,
    })
    eq(res.response().status_code, 200, "status")
    g = res.json_dict()
    check_legacy_group(g)
    eq(g.get("type"), "Team", "type")
    eq(g.get("isPublic"), True, "isPublic")
    eq(g.get("name"), "Scenario team (py)", "name")
    eq(g.get("description"), "made by scenario.py", "description")
    assert state["owner_id"] in g["members"], "creator is a member"
    assert OTHER_PERSON_ID in g["members"], "other person is a member"
    eq(len(g["members"]), 3, "number of members")
    state["group_id"] = g["id"]
    state["created"] = []
    return f"group {g['id']}"


@step("POST /restapi/v1.0/glip/posts (SmartFriend reply)")
def _():
    text = "Hi John, Nice to meet you! How can I help you?"
    res = platform.post("/restapi/v1.0/glip/posts", {"groupId": state["group_id"], "text": text})
    eq(res.response().status_code, 200, "status")
    post = res.json_dict()
    check_post(post, state["group_id"], text, state["owner_id"])
    state["created"].append(post["id"])


@step("POST /restapi/v1.0/glip/posts with a mention")
def _():
    text = f"Welcome ![:Person]({OTHER_PERSON_ID})!"
    res = platform.post("/restapi/v1.0/glip/posts", {"groupId": state["group_id"], "text": text})
    eq(res.response().status_code, 200, "status")
    post = res.json_dict()
    check_post(post, state["group_id"], text, state["owner_id"])
    mentions = post.get("mentions")
    assert isinstance(mentions, list) and len(mentions) == 1, f"one mention, got {mentions!r}"
    eq(mentions[0].get("id"), OTHER_PERSON_ID, "mentions[0].id")
    eq(mentions[0].get("type"), "Person", "mentions[0].type")
    assert isinstance(mentions[0].get("name"), str) and mentions[0]["name"], "mentions[0].name"
    state["created"].append(post["id"])


@step("POST /restapi/v1.0/glip/groups/{id}/posts x70")
def _():
    for i in range(1, 71):
        text = f"message {i}"
        res = platform.post(f"/restapi/v1.0/glip/groups/{state['group_id']}/posts", {"text": text})
        eq(res.response().status_code, 200, "status")
        post = res.json_dict()
        check_post(post, state["group_id"], text, state["owner_id"])
        state["created"].append(post["id"])


@step("GET /restapi/v1.0/glip/posts paging (recordCount=25)")
def _():
    return page_through(platform, "/restapi/v1.0/glip/posts",
                        {"groupId": state["group_id"], "recordCount": 25}, state["created"])


@step("POST and page /team-messaging/v1/chats/{id}/posts")
def _():
    for i in range(1, 4):
        text = f"v1 message {i}"
        res = platform.post(f"/team-messaging/v1/chats/{state['group_id']}/posts", {"text": text})
        eq(res.response().status_code, 201, "create returns 201")
        post = res.json_dict()
        check_post(post, state["group_id"], text, state["owner_id"])
        state["created"].append(post["id"])
    return page_through(platform, f"/team-messaging/v1/chats/{state['group_id']}/posts",
                        {"recordCount": 25}, state["created"])


@step("GET /restapi/v1.0/glip/persons/{id}")
def _():
    person = platform.get(f"/restapi/v1.0/glip/persons/{OTHER_PERSON_ID}").json_dict()
    check_person(person, OTHER_PERSON_ID)
    eq(person["companyId"], state["account_id"], "companyId is the account id")
    assert person["email"] in MEMBER_EMAILS, "email is one of the member e-mails"
    state["other_email"] = person["email"]


@step("GET /restapi/v1.0/glip/persons/{id1},{id2} (207 multipart)")
def _():
    res = platform.get(f"/restapi/v1.0/glip/persons/{OTHER_PERSON_ID},{state['owner_id']}")
    eq(res.response().status_code, 207, "several ids answer 207")
    parts = res.multipart()
    eq(len(parts), 2, "one part per id")
    persons = []
    for part in parts:
        eq(part.response().status_code, 200, "part status")
        persons.append(part.json_dict())
    check_person(persons[0], OTHER_PERSON_ID)
    check_person(persons[1], state["owner_id"])
    eq(persons[1]["email"], USER_EMAIL, "email of the second person")


@step("POST /restapi/v1.0/glip/groups/{id}/bulk-assign")
def _():
    path = f"/restapi/v1.0/glip/groups/{state['group_id']}/bulk-assign"

    def assign(body):
        res = platform.post(path, body)
        eq(res.response().status_code, 200, "status")
        g = res.json_dict()
        check_legacy_group(g)
        eq(g["id"], state["group_id"], "group id")
        eq(g["type"], "Team", "group type")
        return g["members"]

    members = assign({"removedPersonIds": [OTHER_PERSON_ID]})
    assert OTHER_PERSON_ID not in members, "removed by id"
    assert state["owner_id"] in members
    members = assign({"addedPersonIds": [OTHER_PERSON_ID]})
    assert OTHER_PERSON_ID in members, "added by id"
    members = assign({"removedPersonIds": [OTHER_PERSON_ID]})
    assert OTHER_PERSON_ID not in members, "removed again"
    members = assign({"addedPersonEmails": [state["other_email"]]})
    assert OTHER_PERSON_ID in members, "added by e-mail"
    eq(len(members), 3, "number of members")
    g = platform.get(f"/restapi/v1.0/glip/groups/{state['group_id']}").json_dict()
    check_legacy_group(g)
    eq(sorted(g["members"]), sorted(members), "GET group shows the same members")


@step("GET /restapi/v1.0/glip/groups?type=Team")
def _():
    page = platform.get("/restapi/v1.0/glip/groups", {"type": "Team"}).json_dict()
    assert isinstance(page.get("records"), list), "records is an array"
    assert isinstance(page.get("navigation"), dict), "navigation is an object"
    for g in page["records"]:
        check_legacy_group(g)
        eq(g["type"], "Team", "record type")
    assert any(g["id"] == state["group_id"] for g in page["records"]), "our team is listed"


@step("GET /restapi/v1.0/glip/groups?type=PersonalChat")
def _():
    records = platform.get("/restapi/v1.0/glip/groups", {"type": "PersonalChat"}).json_dict()["records"]
    eq(len(records), 1, "number of personal chats")
    check_legacy_group(records[0])
    eq(records[0]["type"], "PersonalChat", "type")
    eq(records[0]["members"], [state["owner_id"]], "members of the user's own chat")


@step("GET /team-messaging/v1/chats?type=Team&type=Everyone")
def _():
    records = platform.get("/team-messaging/v1/chats", {"type": ["Team", "Everyone"]}).json_dict()["records"]
    for c in records:
        is_id(c.get("id"), "chat.id")
        assert c.get("type") in ("Team", "Everyone"), f"chat type {c.get('type')!r}"
        is_time(c.get("creationTime"), "chat.creationTime")
        is_time(c.get("lastModifiedTime"), "chat.lastModifiedTime")
        assert isinstance(c.get("members"), list), "chat.members is an array"
        for i, m in enumerate(c["members"]):
            is_id(m.get("id"), f"chat.members[{i}].id")
    team = next((c for c in records if c["id"] == state["group_id"]), None)
    assert team, "our team is listed"
    eq(team.get("public"), True, "public (not isPublic) on /team-messaging")
    eq(team.get("name"), "Scenario team (py)", "name")
    eq(len(team["members"]), 3, "number of members")
    eq(len([c for c in records if c["type"] == "Everyone"]), 1, "number of Everyone teams")


@step("platform.refresh()")
def _():
    before = platform.auth().data()
    platform.refresh()
    after = platform.auth().data()
    is_str(after["access_token"], "new access_token")
    assert after["access_token"] != before["access_token"], "new access token differs"
    assert after["refresh_token"] != before["refresh_token"], "new refresh token differs"
    eq(after["owner_id"], state["owner_id"], "owner_id")
    eq(raw_get("/restapi/v1.0/account/~/extension/~", before["access_token"])[0], 401,
       "status with the old access token")
    eq(raw_get("/restapi/v1.0/account/~/extension/~", after["access_token"])[0], 200,
       "status with the new access token")
    state["old_refresh_token"] = before["refresh_token"]


@step("GET /team-messaging/v1/chats/999999999 (404 error)")
def _():
    try:
        platform.get("/team-messaging/v1/chats/999999999")
    except ApiException as e:
        res = e.api_response().response()
    else:
        raise AssertionError("the SDK did not raise")
    eq(res.status_code, 404, "status")
    body = res.json()
    eq(body.get("errorCode"), "CMN-102", "errorCode")
    is_str(body.get("message"), "message")
    assert isinstance(body.get("errors"), list) and body["errors"], "errors[]"
    eq(body["errors"][0].get("errorCode"), "CMN-102", "errors[0].errorCode")
    is_str(body["errors"][0].get("message"), "errors[0].message")


@step("GET /team-messaging/v1/search/posts (openglip extension)")
def _():
    page = platform.get("/team-messaging/v1/search/posts",
                        {"q": "nice meet", "chatId": state["group_id"], "recordCount": 5}).json_dict()
    assert page["records"], "the reply is found"
    for r in page["records"]:
        eq(r.get("chatId"), state["group_id"], "record.chatId")
        assert "<mark>Nice</mark> to <mark>meet</mark>" in r.get("highlight", ""), r.get("highlight")
        is_time(r.get("creationTime"), "record.creationTime")


@step("POST /team-messaging/v1/data-export, poll until Completed, download the dataset")
def _():
    import io
    import zipfile
    res = platform.post("/team-messaging/v1/data-export", {"chatIds": [state["group_id"]]})
    eq(res.response().status_code, 202, "status")
    task = res.json_dict()
    is_id(task.get("id"), "task.id")
    for _ in range(100):
        if task["status"] == "Completed":
            break
        assert task["status"] in ("Accepted", "InProgress"), task["status"]
        time.sleep(0.2)
        task = platform.get(f"/team-messaging/v1/data-export/{task['id']}").json_dict()
    eq(task["status"], "Completed", "status")
    uri = task["datasets"][0]["uri"]
    res = platform.get(uri[uri.index("/team-messaging/"):]).response()
    eq(res.headers.get("content-type"), "application/zip", "content type")
    archive = zipfile.ZipFile(io.BytesIO(res.content))
    eq(archive.testzip(), None, "every CRC checks")
    names = sorted(n for n in archive.namelist() if not n.startswith("files/"))
    eq(names, ["chats.json", "events.json", "export.json", "files.json", "members.json",
               "notes.json", "people.json", "posts.json", "tasks.json"], "files")
    # The posts' uploads: listed in files.json, their bytes under files/ (dataset 1 here).
    for f in json.loads(archive.read("files.json")):
        if f.get("dataset") == 1:
            eq(archive.getinfo(f["path"]).file_size, f["size"], "an upload's size")
    posts = json.loads(archive.read("posts.json"))
    assert len(posts) >= 70, len(posts)
    assert all(p["groupId"] == state["group_id"] for p in posts), "only the chat asked"
    return f"{len(posts)} posts, {task['datasets'][0]['size']} bytes"


@step("platform.logout() revokes the token")
def _():
    token = platform.auth().access_token()
    res = platform.logout()
    assert res.ok(), "revoke succeeds"
    status, body = raw_get("/restapi/v1.0/account/~/extension/~", token)
    eq(status, 401, "status with the revoked access token")
    is_str(json.loads(body).get("errorCode"), "401 body errorCode")
    # The refresh token spent by platform.refresh() stays rejected. (Checked last: a server may
    # revoke the whole token family when a spent refresh token is presented again.)
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    form = urllib.parse.urlencode({"grant_type": "refresh_token", "refresh_token": state["old_refresh_token"]})
    status, body = raw("POST", "/restapi/oauth/token",
                       {"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
                       form.encode())
    eq(status, 400, "status with the spent refresh token")
    eq(json.loads(body).get("error"), "invalid_grant", "error")


# ---------- runner ----------

def main():
    passed = 0
    for i, (name, fn) in enumerate(steps, 1):
        started = time.monotonic()
        try:
            note = fn()
        except Exception as e:  # noqa: BLE001 - report any failure of the step
            print(f"FAILED {i} - {name}")
            print(f"  error: {type(e).__name__}: {e}")
            if isinstance(e, ApiException) and e.api_response() and e.api_response().response() is not None:
                res = e.api_response().response()
                print(f"  response: HTTP {res.status_code} {res.url}\n  body: {res.text[:2000]}")
            traceback.print_exc(limit=3, file=sys.stdout)
            print(f"{passed} passed, 1 failed")
            return 1
        passed += 1
        took = int((time.monotonic() - started) * 1000)
        print(f"ok {i} - {name}{f' ({note})' if note else ''} [{took} ms]", flush=True)
    print(f"{passed} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
