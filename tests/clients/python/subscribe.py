#!/usr/bin/env python3
"""Real-client WebSocket scenario: a subscriber receives notifications through RingCentral's own
Python SDK (PyPI `ringcentral`, its `WebSocketClient`: POST /restapi/oauth/wstoken, the WebSocket
gateway, the subscription as a ClientRequest frame), while a second user, logged in with the same
SDK over plain REST, causes the events. It subscribes with the legacy filters
(`/restapi/v1.0/glip/posts`, `/restapi/v1.0/glip/groups`) that chatbot frameworks use, so the
legacy body shapes are checked here (subscribe.mjs checks the current ones).

Environment (crates/openglip/tests/api/clients.rs sets it up; the app needs the TeamMessaging and
WebSocket permissions):
    OPENGLIP_SERVER, OPENGLIP_CLIENT_ID, OPENGLIP_CLIENT_SECRET,
    OPENGLIP_USER_EMAIL, OPENGLIP_USER_PASSWORD    the subscriber
    OPENGLIP_SECOND_EMAIL                          the second user (same password)
    OPENGLIP_SHARED_CHAT_ID                        a chat both belong to

It prints one line per step and ends with "N passed, 0 failed" (exit 0), or with the failing step
and its error (exit 1). Each wait gives up after 30 s.
"""

import asyncio
import json
import os
import re
import sys
import time
import traceback
import uuid
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".deps"))

from ringcentral import SDK  # noqa: E402
from ringcentral.websocket.events import WebSocketEvents  # noqa: E402
from ringcentral.websocket.web_socket_client import WebSocketClient  # noqa: E402

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
PASSWORD = env("OPENGLIP_USER_PASSWORD")
SECOND_EMAIL = env("OPENGLIP_SECOND_EMAIL")
SHARED_CHAT_ID = env("OPENGLIP_SHARED_CHAT_ID")
TIMEOUT = 30.0
FILTERS = ["/restapi/v1.0/glip/posts", "/restapi/v1.0/glip/groups"]

TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def eq(got, expected, what):
    assert got == expected, f"{what}: expected {expected!r}, got {got!r}"


async def until(what, cond):
    """Waits (letting the socket's reader run) until cond() returns something truthy."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        value = cond()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {TIMEOUT:.0f} s")
        await asyncio.sleep(0.05)


class Scenario:
    def __init__(self):
        self.subscriber = SDK(CLIENT_ID, CLIENT_SECRET, SERVER).platform()
        self.second = SDK(CLIENT_ID, CLIENT_SECRET, SERVER).platform()
        self.client = None
        self.connection = None
        self.frames = []  # every frame received, parsed
        self.notifications = []  # ServerNotification frames ([meta, envelope])
        self.subscriptions = []  # WebSocketSubscription objects, as created

    # The SDK's REST calls are blocking: run them off the event loop so the socket keeps reading.
    async def rest(self, platform, method, path, body=None):
        fn = getattr(platform, method)
        return await asyncio.to_thread(lambda: fn(path, body) if body is not None else fn(path))

    def notification(self, pred):
        return next((n for n in self.notifications if pred(n[1])), None)

    def check_envelope(self, n, event, event_type):
        assert isinstance(n.get("uuid"), str) and n["uuid"], f"uuid: {n}"
        eq(n.get("event"), event, "event")
        assert TIME.match(n.get("timestamp", "")), f"timestamp: {n.get('timestamp')!r}"
        eq(n.get("subscriptionId"), self.subscription_id, "subscriptionId")
        eq(n.get("ownerId"), self.owner_id, "ownerId")
        eq(n["body"].get("eventType"), event_type, "body.eventType")

    async def login(self):
        self.subscriber.login(username=USER_EMAIL, password=PASSWORD)
        self.owner_id = self.subscriber.auth().data()["owner_id"]
        self.second.login(username=SECOND_EMAIL, password=PASSWORD)
        self.second_id = self.second.auth().data()["owner_id"]
        assert self.owner_id != self.second_id
        return f"subscriber {self.owner_id}, second {self.second_id}"

    async def connect(self):
        self.client = WebSocketClient(self.subscriber)

        def on_message(message):
            frame = json.loads(message)
            self.frames.append(frame)

        def on_notification(frame):
            self.notifications.append(frame)

        def on_created(subscription):
            self.subscriptions.append(subscription)

        self.client.on(WebSocketEvents.receiveMessage, on_message)
        self.client.on(WebSocketEvents.receiveSubscriptionNotification, on_notification)
        self.client.on(WebSocketEvents.subscriptionCreated, on_created)
        self.connection = asyncio.create_task(self.client.create_new_connection())
        await until("connection", lambda: self.client._is_ready or self.connection.done())
        if self.connection.done():
            self.connection.result()  # raises what went wrong
        details = json.loads(self.client.get_connection_info()["connection_details"])
        eq(details[0]["type"], "ConnectionDetails", "first frame type")
        eq(details[0]["wsc"]["sequence"], 1, "wsc.sequence")
        eq(details[1]["recoveryBufferSize"], 100, "recoveryBufferSize")
        return f"session {details[0]['wsc']['token'][:8]}…"

    async def subscribe(self):
        await self.client.create_subscription(FILTERS)
        sub = await until("subscription answer", lambda: self.subscriptions and self.subscriptions[0])
        meta, info = sub.get_subscription_info()
        eq(meta["type"], "ClientRequest", "answer type")
        eq(meta["status"], 200, "answer status")
        eq(meta["headers"]["WSG-SubscriptionId"], info["id"], "WSG-SubscriptionId")
        eq(info["eventFilters"], FILTERS, "eventFilters")
        eq(info["deliveryMode"]["transportType"], "WebSocket", "transportType")
        eq(info["status"], "Active", "status")
        self.subscription_id = info["id"]
        return f"subscription {info['id']}"

    async def heartbeat(self):
        message_id = str(uuid.uuid4())
        await self.client.send_message([{"type": "Heartbeat", "messageId": message_id}])
        echo = await until("heartbeat echo", lambda: next(
            (f for f in self.frames if f[0].get("type") == "Heartbeat" and f[0].get("messageId") == message_id),
            None))
        eq(echo, [{"type": "Heartbeat", "messageId": message_id}], "echo")

    async def post_added(self):
        text = f"Hello from Python over the socket {time.time()}"
        post = (await self.rest(self.second, "post", f"/team-messaging/v1/chats/{SHARED_CHAT_ID}/posts",
                                {"text": text})).json_dict()
        n = await until("PostAdded", lambda: self.notification(lambda e: e["body"].get("id") == post["id"]))
        self.check_envelope(n[1], "/restapi/v1.0/glip/posts", "PostAdded")
        body = n[1]["body"]
        eq(body.get("text"), text, "body.text")
        eq(body.get("groupId"), SHARED_CHAT_ID, "body.groupId")
        eq(body.get("creatorId"), self.second_id, "body.creatorId")
        eq(body.get("type"), "TextMessage", "body.type")
        eq(n[0]["status"], 200, "meta.status")
        assert n[0]["wsc"]["sequence"] > 1, f"wsc.sequence: {n[0]}"
        return f"post {post['id']}"

    async def group_joined(self):
        name = f"Python socket team {time.time()}"
        team = (await self.rest(self.second, "post", "/team-messaging/v1/teams",
                                {"name": name, "public": False, "members": [{"email": USER_EMAIL}]})).json_dict()
        n = await until("GroupJoined", lambda: self.notification(
            lambda e: e["body"].get("eventType") == "GroupJoined" and e["body"].get("id") == team["id"]))
        self.check_envelope(n[1], "/restapi/v1.0/glip/groups", "GroupJoined")
        body = n[1]["body"]
        eq(body.get("type"), "Team", "body.type")
        eq(body.get("name"), name, "body.name")
        # The legacy shape: members are plain id strings, privacy is isPublic.
        assert self.owner_id in body.get("members", []), f"members: {body.get('members')}"
        eq(body.get("isPublic"), False, "body.isPublic")
        self.team_id = team["id"]
        return f"team {team['id']}"

    async def in_order(self):
        sequences = [n[0]["wsc"]["sequence"] for n in self.notifications]
        assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences), sequences
        for n in self.notifications:
            eq(n[1]["subscriptionId"], self.subscription_id, "subscriptionId")
        return f"{len(self.notifications)} notifications, sequences {sequences}"

    async def close(self):
        if self.client and self.client._is_ready:
            await self.client.close_connection()
        if self.connection:
            self.connection.cancel()
            try:
                await self.connection
            except BaseException:  # noqa: BLE001 - the reader ends with the closed socket
                pass


async def run():
    s = Scenario()
    steps = [
        ("both users log in", s.login),
        ("open the WebSocket (WebSocketClient)", s.connect),
        ("subscribe over the socket (legacy glip filters)", s.subscribe),
        ("a heartbeat is echoed", s.heartbeat),
        ("a post by the second user arrives as PostAdded", s.post_added),
        ("a team created with the subscriber arrives as GroupJoined", s.group_joined),
        ("notifications come in wsc.sequence order, for this subscription", s.in_order),
    ]
    passed = 0
    failed = False
    for i, (name, fn) in enumerate(steps, 1):
        started = time.monotonic()
        try:
            note = await fn()
        except Exception as e:  # noqa: BLE001 - report any failure of the step
            print(f"FAILED {i} - {name}")
            print(f"  error: {type(e).__name__}: {e}")
            traceback.print_exc(limit=3, file=sys.stdout)
            failed = True
            break
        passed += 1
        took = int((time.monotonic() - started) * 1000)
        print(f"ok {i} - {name}{f' ({note})' if note else ''} [{took} ms]", flush=True)
    await s.close()
    print(f"{passed} passed, {1 if failed else 0} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(run()))
