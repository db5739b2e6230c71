#!/usr/bin/env python3
"""Files with RingCentral's own Python SDK (PyPI `ringcentral`): upload into a team with the SDK's
multipart builder (a `json` part before the `body` part), a post with the file attached by id,
the content read by a member through the SDK, and refused to someone outside the team.

Environment as for scenario.py (OPENGLIP_SERVER, OPENGLIP_CLIENT_ID, OPENGLIP_CLIENT_SECRET,
OPENGLIP_USER_EMAIL, OPENGLIP_USER_PASSWORD, OPENGLIP_MEMBER_EMAILS: a member, then an outsider).
Prints one line per step and ends with "N passed, 0 failed" (exit 0), or the failing step (exit 1).
"""

import os
import sys
import traceback
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".deps"))

from ringcentral import SDK  # noqa: E402
from ringcentral.http.api_exception import ApiException  # noqa: E402

warnings.filterwarnings("ignore", message="username-password login")

SERVER = os.environ["OPENGLIP_SERVER"].rstrip("/")
CLIENT_ID = os.environ["OPENGLIP_CLIENT_ID"]
CLIENT_SECRET = os.environ["OPENGLIP_CLIENT_SECRET"]
PASSWORD = os.environ["OPENGLIP_USER_PASSWORD"]
MEMBER, OUTSIDER = [s.strip() for s in os.environ["OPENGLIP_MEMBER_EMAILS"].split(",")][:2]

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


def login(email):
    sdk = SDK(CLIENT_ID, CLIENT_SECRET, SERVER)
    sdk.platform().login(username=email, password=PASSWORD)
    return sdk


owner = login(os.environ["OPENGLIP_USER_EMAIL"])
member = login(MEMBER)
outsider = login(OUTSIDER)
state = {}
steps = []


def step(name):
    def wrap(fn):
        steps.append((name, fn))
        return fn
    return wrap


def refused(platform, url):
    try:
        platform.get(url)
    except ApiException as e:
        return e.api_response().response()
    raise AssertionError(f"GET {url} was not refused")


@step("a team with the member (not the outsider)")
def _():
    me = member.platform().get("/restapi/v1.0/account/~/extension/~").json_dict()
    team = owner.platform().post("/team-messaging/v1/teams", {
        "name": "Files from Python", "public": False, "members": [{"id": str(me["id"])}],
    }).json_dict()
    state["team"] = team["id"]


@step("upload with the SDK's multipart builder into the team")
def _():
    builder = owner.create_multipart_builder()
    builder.set_body({"name": "chart.png"})
    builder.add(("chart.png", PNG, "image/png"), name="body")
    request = builder.request(f"/team-messaging/v1/files?groupId={state['team']}&name=chart.png")
    files = owner.platform().send_request(request).json_dict()
    assert isinstance(files, list) and len(files) == 1, files
    f = files[0]
    assert sorted(f) == ["contentUri", "id", "name"], f
    assert isinstance(f["id"], str) and f["id"].isdigit(), f
    assert f["name"] == "chart.png", f
    state["file"] = f
    posts = owner.platform().get(f"/team-messaging/v1/chats/{state['team']}/posts").json_dict()["records"]
    att = posts[0]["attachments"][0]
    assert att == {"id": f["id"], "type": "File", "name": "chart.png", "contentUri": f["contentUri"]}, att


@step("a member reads the content through the SDK")
def _():
    res = member.platform().get(state["file"]["contentUri"]).response()
    assert res.status_code == 200, res.status_code
    assert res.content == PNG, "the same bytes"
    assert res.headers["Content-Type"] == "image/png", res.headers
    assert res.headers["X-Content-Type-Options"] == "nosniff", res.headers


@step("the outsider is refused (404, RingCentral's error body)")
def _():
    res = refused(outsider.platform(), state["file"]["contentUri"])
    assert res.status_code == 404, res.status_code
    assert res.json()["errorCode"] == "CMN-102", res.text


@step("a bare upload, then a post attaching it by id")
def _():
    res = owner.platform().post("/team-messaging/v1/files?name=notes.txt", b"line one\nline two\n",
                                headers={"Content-Type": "text/plain"})
    f = res.json_dict()[0]
    post = owner.platform().post(f"/team-messaging/v1/chats/{state['team']}/posts", {
        "text": "the notes", "attachments": [{"type": "File", "id": f["id"]}],
    }).json_dict()
    assert post["attachments"][0]["contentUri"] == f["contentUri"], post
    body = member.platform().get(f["contentUri"]).response()
    assert body.content == b"line one\nline two\n"
    # Plain text is shown in place (with nosniff, it can only ever be text).
    assert body.headers["Content-Disposition"].startswith("inline;"), body.headers
    assert refused(outsider.platform(), f["contentUri"]).status_code == 404


@step("an upload into a chat the outsider is not in is refused")
def _():
    try:
        outsider.platform().post(f"/team-messaging/v1/files?groupId={state['team']}&name=x.txt", b"x",
                                 headers={"Content-Type": "text/plain"})
    except ApiException as e:
        res = e.api_response().response()
        assert res.status_code == 404, res.status_code
        return
    raise AssertionError("not refused")


def main():
    for i, (name, fn) in enumerate(steps, 1):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - report any failure of the step
            print(f"FAILED {i} - {name}\n  error: {type(e).__name__}: {e}")
            if isinstance(e, ApiException) and e.api_response() and e.api_response().response() is not None:
                res = e.api_response().response()
                print(f"  response: HTTP {res.status_code} {res.url}\n  body: {res.text[:2000]}")
            traceback.print_exc(limit=3, file=sys.stdout)
            print(f"{i - 1} passed, 1 failed")
            return 1
        print(f"ok {i} - {name}", flush=True)
    print(f"{len(steps)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
