"""Real-client scenario for tasks, notes and calendar events: RingCentral's Python SDK (PyPI
`ringcentral`) creates, lists, updates and completes a task, publishes and locks a note,
creates, changes and deletes an event (both API generations), and is refused in a chat the user
is not in, with bad dates and unknown ids. Same environment as scenario.py (see there); the
first member e-mail (the other person's) must sign in with the same password.

Prints one line per step and ends with "N passed, 0 failed" (exit 0), or the failing step.
"""

import os
import re
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
CLIENT_ID = env("OPENGLIP_CLIENT_ID")
CLIENT_SECRET = env("OPENGLIP_CLIENT_SECRET")
USER_EMAIL = env("OPENGLIP_USER_EMAIL")
USER_PASSWORD = env("OPENGLIP_USER_PASSWORD")
MEMBER_EMAILS = [s.strip() for s in env("OPENGLIP_MEMBER_EMAILS").split(",") if s.strip()]
OTHER_PERSON_ID = env("OPENGLIP_OTHER_PERSON_ID")
TM = "/team-messaging/v1"
GLIP = "/restapi/v1.0/glip"
TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def eq(got, expected, what):
    assert got == expected, f"{what}: expected {expected!r}, got {got!r}"


def refused(fn):
    """Runs a request that must fail; returns (status, body)."""
    try:
        fn()
    except ApiException as e:
        res = e.api_response().response()
        return res.status_code, res.json()
    raise AssertionError("the request succeeded")


me = SDK(CLIENT_ID, CLIENT_SECRET, SERVER).platform()
other = SDK(CLIENT_ID, CLIENT_SECRET, SERVER).platform()
state = {}
steps = []


def step(name):
    def register(fn):
        steps.append((name, fn))
        return fn
    return register


@step("both people sign in; a team with the first member")
def _():
    state["me"] = me.login(username=USER_EMAIL, password=USER_PASSWORD).json_dict()["owner_id"]
    other.login(username=MEMBER_EMAILS[0], password=USER_PASSWORD)
    team = me.post(f"{TM}/teams", {"name": "Teamwork (py)", "members": [{"id": OTHER_PERSON_ID}]})
    eq(team.response().status_code, 201, "team status")
    state["team"] = team.json_dict()["id"]
    state["foreign"] = other.post(f"{TM}/teams", {"name": "Not yours (py)", "members": []}).json_dict()["id"]
    return f"team {state['team']}"


@step("POST …/chats/{chatId}/tasks, the card post, the list")
def _():
    res = me.post(f"{TM}/chats/{state['team']}/tasks", {
        "subject": "Book the room",
        "assignees": [{"id": OTHER_PERSON_ID}, {"id": state["me"]}],
        "completenessCondition": "AllAssignees",
        "dueDate": "2026-12-20",
    })
    eq(res.response().status_code, 201, "status")
    t = res.json_dict()
    eq(t["type"], "Task", "type")
    eq(t["status"], "Pending", "status")
    eq(t["completenessCondition"], "AllAssignees", "completenessCondition")
    eq(t["dueDate"], "2026-12-20T00:00:00.000Z", "dueDate")
    assert TIME.match(t["creationTime"]), t["creationTime"]
    state["task"] = t["id"]
    card = me.get(f"{TM}/chats/{state['team']}/posts").json_dict()["records"][0]["attachments"][0]
    eq((card["type"], card["id"]), ("Task", t["id"]), "card")
    listed = me.get(f"{GLIP}/chats/{state['team']}/tasks", {"assignmentStatus": "Assigned"}).json_dict()
    eq([r["id"] for r in listed["records"]], [t["id"]], "listed")


@step("complete by assignee: in progress, then completed; PATCH")
def _():
    res = other.post(f"{TM}/tasks/{state['task']}/complete", {"status": "Complete"})
    eq(res.response().status_code, 204, "complete status")
    eq(me.get(f"{TM}/tasks/{state['task']}").json_dict()["status"], "InProgress", "after one of two")
    me.post(f"{TM}/tasks/{state['task']}/complete", {"status": "Complete"})
    eq(me.get(f"{TM}/tasks/{state['task']}").json_dict()["status"], "Completed", "after both")
    patched = me.patch(f"{TM}/tasks/{state['task']}", {"section": "Logistics"}).json_dict()
    eq(patched["records"][0]["section"], "Logistics", "section")


@step("notes: draft hidden from others, publish (legacy 204), lock")
def _():
    n = me.post(f"{GLIP}/chats/{state['team']}/notes", {"title": "Packing list", "body": "Cables"}).json_dict()
    eq(n["status"], "Draft", "status")
    status, body = refused(lambda: other.get(f"{TM}/notes/{n['id']}"))
    eq((status, body["errorCode"]), (404, "CMN-102"), "a draft is its creator's")
    res = me.post(f"{GLIP}/notes/{n['id']}/publish")
    eq(res.response().status_code, 204, "legacy publish")
    eq(other.get(f"{TM}/notes/{n['id']}").json_dict()["body"], "Cables", "body")
    eq(other.post(f"{TM}/notes/{n['id']}/lock").response().status_code, 204, "lock")
    status, body = refused(lambda: me.post(f"{TM}/notes/{n['id']}/lock"))
    eq(status, 400, "locked by another")
    eq(other.post(f"{TM}/notes/{n['id']}/unlock").response().status_code, 204, "unlock")


@step("events: mine (legacy flat recurrence), changed, deleted")
def _():
    ev = me.post(f"{GLIP}/events", {
        "title": "Flight", "startTime": "2026-12-19T07:00:00Z", "endTime": "2026-12-19T09:30:00Z",
        "recurrence": "None", "allDay": False,
    }).json_dict()
    eq(ev["recurrence"], "None", "legacy recurrence")
    eq(ev["endingCondition"], "None", "legacy endingCondition")
    mine = me.get(f"{TM}/events").json_dict()
    eq([r["id"] for r in mine["records"]], [ev["id"]], "my events")
    status, _ = refused(lambda: other.get(f"{TM}/events/{ev['id']}"))
    eq(status, 404, "someone else's own event")
    put = me.put(f"{TM}/events/{ev['id']}", {
        "title": "Flight (moved)", "startTime": "2026-12-19T08:00:00Z", "endTime": "2026-12-19T10:30:00Z",
    }).json_dict()
    eq(put["title"], "Flight (moved)", "title")
    eq(me.delete(f"{GLIP}/events/{ev['id']}").response().status_code, 200, "delete")


@step("refused: a chat the user is not in, bad dates, unknown ids")
def _():
    status, body = refused(lambda: me.post(f"{TM}/chats/{state['foreign']}/tasks", {"subject": "x", "assignees": []}))
    eq((status, body["errorCode"], body["errors"][0]["parameterName"]), (404, "CMN-102", "chatId"), "foreign chat")
    status, body = refused(lambda: me.post(f"{TM}/groups/{state['foreign']}/events", {
        "title": "x", "startTime": "2026-12-19T08:00:00Z", "endTime": "2026-12-19T09:00:00Z"}))
    eq((status, body["errors"][0]["parameterName"]), (404, "groupId"), "foreign group")
    status, body = refused(lambda: me.post(f"{TM}/events", {"title": "x", "startTime": "soon", "endTime": "later"}))
    eq((status, body["errors"][0]["parameterName"]), (400, "startTime"), "bad date")
    status, body = refused(lambda: me.patch(f"{TM}/tasks/{state['task']}", {"dueDate": "someday"}))
    eq((status, body["errors"][0]["parameterName"]), (400, "dueDate"), "bad due date")
    status, body = refused(lambda: me.delete(f"{TM}/notes/987654321"))
    eq((status, body["errors"][0]["parameterName"]), (404, "noteId"), "unknown note")
    eq(other.get(f"{TM}/chats/{state['foreign']}/tasks").json_dict()["records"], [], "nothing stored")
    eq(me.get(f"{TM}/events").json_dict()["records"], [], "no event stored")


def main():
    passed = 0
    for i, (name, fn) in enumerate(steps, 1):
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
        print(f"ok {i} - {name}{f' ({note})' if note else ''}", flush=True)
    print(f"{passed} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
