#!/usr/bin/env python3
"""Presence and the company directory with RingCentral's Python SDK (PyPI `ringcentral`):
GET and PUT /restapi/v1.0/account/~/extension/~/presence (and another person's), a refused
value, and POST /restapi/v1.0/account/~/directory/entries/search with its fields, order and
pages. The app needs ReadAccounts, ReadPresence and EditPresence.

Environment: as scenario.py. Ends with "N passed, 0 failed" (exit 0), or the failing step (1).
"""

import os
import sys
import traceback
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
OTHER = env("OPENGLIP_OTHER_PERSON_ID")
PRESENCE = "/restapi/v1.0/account/~/extension/~/presence"
SEARCH = "/restapi/v1.0/account/~/directory/entries/search"
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


@step("login")
def _():
    t = platform.login(username=env("OPENGLIP_USER_EMAIL"), password=env("OPENGLIP_USER_PASSWORD")).json_dict()
    state["me"] = t["owner_id"]


@step("GET …/extension/~/presence")
def _():
    p = platform.get(PRESENCE).json_dict()
    assert isinstance(p["extension"]["id"], int) and not isinstance(p["extension"]["id"], bool), p
    eq(str(p["extension"]["id"]), state["me"], "extension.id")
    eq(p["presenceStatus"], "Offline", "presenceStatus without a web client")
    eq(p["userStatus"], "Available", "userStatus")
    eq(p["dndStatus"], "TakeAllCalls", "dndStatus")


@step("PUT …/extension/~/presence: appear offline, do not disturb")
def _():
    p = platform.put(PRESENCE, {"userStatus": "Offline", "dndStatus": "DoNotAcceptAnyCalls"}).json_dict()
    eq(p["userStatus"], "Offline", "userStatus")
    eq(p["dndStatus"], "DoNotAcceptAnyCalls", "dndStatus")
    eq(platform.get(PRESENCE).json_dict()["userStatus"], "Offline", "read back")


@step("another person's presence")
def _():
    p = platform.get(f"/restapi/v1.0/account/~/extension/{OTHER}/presence").json_dict()
    eq(str(p["extension"]["id"]), OTHER, "extension.id")


@step("a message over 75 characters is refused")
def _():
    try:
        platform.put(PRESENCE, {"message": "x" * 76})
        raise AssertionError("accepted")
    except ApiException as e:
        res = e.api_response().response()
        eq(res.status_code, 400, "status")
        eq(res.json()["errors"][0]["parameterName"], "message", "parameterName")


@step("POST …/directory/entries/search")
def _():
    everyone = platform.post(SEARCH, {}).json_dict()
    assert len(everyone["records"]) >= 3, everyone
    eq(everyone["paging"]["totalElements"], len(everyone["records"]), "totalElements")
    found = platform.post(SEARCH, {"searchString": "BOB@ACME", "searchFields": ["email"]}).json_dict()
    eq([r["id"] for r in found["records"]], [OTHER], "search by e-mail")
    page = platform.post(SEARCH, {"orderBy": [{"fieldName": "firstName"}], "perPage": 2, "page": 2}).json_dict()
    eq(page["paging"]["page"], 2, "page")
    eq(len(page["records"]), len(everyone["records"]) - 2, "the rest")


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
