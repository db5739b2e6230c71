#!/usr/bin/env python3
"""Incoming webhooks with RingCentral's Python SDK (PyPI `ringcentral`): a team, a webhook made
through the SDK on both prefixes, posts through its URL in the current format (text and an
Adaptive Card) and the legacy Glip format (icon, activity, title, body), suspended, activated,
an unknown id, a malformed payload, deleted. The URL is posted to with urllib, without a token,
as the services that use webhooks do.

Environment: as scenario.py. Ends with "N passed, 0 failed" (exit 0), or the failing step (1).
"""

import json
import os
import re
import sys
import traceback
import urllib.error
import urllib.request
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".deps"))

from ringcentral import SDK  # noqa: E402
from ringcentral.http.api_exception import ApiException  # noqa: E402

warnings.filterwarnings("ignore", message="username-password login")


def env(name):
    value = os.environ.get(name)
    if not value:
        print(f"missing environment variable {name}", file=sys.stderr)
        sys.exit(2)
    return value


SERVER = env("OPENGLIP_SERVER").rstrip("/")
MEMBER_EMAILS = [s.strip() for s in env("OPENGLIP_MEMBER_EMAILS").split(",") if s.strip()]
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")

platform = SDK(env("OPENGLIP_CLIENT_ID"), env("OPENGLIP_CLIENT_SECRET"), SERVER).platform()
state = {}
steps = []


def step(name):
    def add(fn):
        steps.append((name, fn))
        return fn
    return add


def eq(got, expected, what):
    assert got == expected, f"{what}: expected {expected!r}, got {got!r}"


def check_hook(h, with_uri):
    for k in ("id", "creatorId", "creationTime", "lastModifiedTime", "status"):
        assert isinstance(h.get(k), str), f"webhook.{k} is a string, got {h.get(k)!r}"
    assert TIME.match(h["creationTime"]), h["creationTime"]
    eq(h.get("groupIds"), [state["team"]], "groupIds")
    eq(h["creatorId"], state["me"], "creatorId")
    if with_uri:
        assert h["uri"].startswith(f"{SERVER}/webhook/v2/{h['id']}."), h["uri"]
    else:
        assert "uri" not in h, "the URL (it holds the secret) is given only once"


def hook(uri, payload=None, raw=None):
    """POSTs to a webhook URL without a token: (status, body)."""
    data = raw if raw is not None else json.dumps(payload).encode()
    req = urllib.request.Request(uri, data=data, method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def newest_post():
    page = platform.get(f"/team-messaging/v1/chats/{state['team']}/posts", {"recordCount": 1}).json_dict()
    return page["records"][0]


@step("login")
def _():
    t = platform.login(username=env("OPENGLIP_USER_EMAIL"), password=env("OPENGLIP_USER_PASSWORD")).json_dict()
    state["me"] = t["owner_id"]


@step("a team to post into")
def _():
    team = platform.post("/team-messaging/v1/teams", {
        "name": "Alerts", "public": False, "members": [{"email": e} for e in MEMBER_EMAILS]}).json_dict()
    state["team"] = team["id"]


@step("POST /team-messaging/v1/groups/{groupId}/webhooks (no body)")
def _():
    h = platform.post(f"/team-messaging/v1/groups/{state['team']}/webhooks").json_dict()
    check_hook(h, True)
    eq(h["status"], "Active", "status")
    state["hook"] = h


@step("POST /restapi/v1.0/glip/groups/{groupId}/webhooks, and both listed")
def _():
    legacy = platform.post(f"/restapi/v1.0/glip/groups/{state['team']}/webhooks").json_dict()
    check_hook(legacy, True)
    state["legacy"] = legacy
    for path in (f"/restapi/v1.0/glip/groups/{state['team']}/webhooks", "/team-messaging/v1/webhooks"):
        records = platform.get(path).json_dict()["records"]
        eq([r["id"] for r in records], [state["hook"]["id"], legacy["id"]], path)
        for r in records:
            check_hook(r, False)


@step("post through the URL: the current format with an Adaptive Card")
def _():
    status, body = hook(state["hook"]["uri"], {
        "text": "Disk **90%** full", "activity": "Monitor", "title": "db-1",
        "attachments": [{"type": "AdaptiveCard", "version": "1.2",
                         "body": [{"type": "TextBlock", "text": "Grow the volume"}]}]})
    eq((status, body), (200, {"status": "OK"}), "answer")
    post = newest_post()
    eq(post["text"], "Disk **90%** full", "text")
    eq(post["creatorId"], state["me"], "creatorId (the webhook's creator)")
    eq(post["activity"], "Monitor", "activity")
    eq(post["attachments"][0]["type"], "AdaptiveCard", "attachment type")


@step("post through the URL: the legacy Glip format")
def _():
    status, _ = hook(state["legacy"]["uri"], {
        "icon": "https://mon.example/i.png", "activity": "Monitor", "title": "db-2", "body": "Back to **normal**"})
    eq(status, 200, "status")
    post = newest_post()
    eq(post["text"], "Back to **normal**", "text")
    eq(post["iconUri"], "https://mon.example/i.png", "iconUri")


@step("suspended: the URL refuses; activated: it posts again")
def _():
    hid = state["hook"]["id"]
    platform.post(f"/restapi/v1.0/glip/webhooks/{hid}/suspend")
    eq(platform.get(f"/restapi/v1.0/glip/webhooks/{hid}").json_dict()["records"][0]["status"], "Suspended", "status")
    status, body = hook(state["hook"]["uri"], {"text": "while suspended"})
    eq(status, 403, "status")
    eq(body["errorCode"], "CMN-408", "errorCode")
    platform.post(f"/team-messaging/v1/webhooks/{hid}/activate")
    eq(hook(state["hook"]["uri"], {"text": "back"})[0], 200, "status after activate")


@step("an unknown webhook and a malformed payload")
def _():
    status, body = hook(f"{SERVER}/webhook/v2/3053f6cf-b6de-418c-a6cd-2eb222cdab4e.{'A' * 43}", {"text": "hi"})
    eq((status, body["errorCode"]), (404, "CMN-102"), "unknown id")
    status, body = hook(state["hook"]["uri"], raw=b"not json")
    eq((status, body["errorCode"]), (400, "CMN-103"), "not JSON")
    status, body = hook(state["hook"]["uri"], {"activity": "only an activity"})
    eq((status, body["errors"][0]["parameterName"]), (400, "text"), "no text and no attachments")


@step("DELETE /restapi/v1.0/glip/webhooks/{id}: gone")
def _():
    hid = state["legacy"]["id"]
    platform.delete(f"/restapi/v1.0/glip/webhooks/{hid}")
    try:
        platform.get(f"/restapi/v1.0/glip/webhooks/{hid}")
        raise AssertionError("a deleted webhook is still read")
    except ApiException as e:
        eq(e.api_response().response().status_code, 404, "status")
    eq(hook(state["legacy"]["uri"], {"text": "after"})[0], 404, "its URL")


def main():
    passed = 0
    for i, (name, fn) in enumerate(steps, 1):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - report any failure of the step
            print(f"FAILED {i} - {name}\n  error: {type(e).__name__}: {e}")
            traceback.print_exc(limit=3, file=sys.stdout)
            print(f"{passed} passed, 1 failed")
            return 1
        passed += 1
        print(f"ok {i} - {name}", flush=True)
    print(f"{passed} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
