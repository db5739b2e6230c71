#!/usr/bin/env python3
"""OpenID Connect through RingCentral's own Python SDK (PyPI `ringcentral`): `login_url` with a
PKCE challenge, the `openid profile email` scope and a nonce added as an app adds them; openglip's
sign-in and Access Request pages driven as a browser would (cookies, the CSRF field, redirects
not followed); `platform.login(code=…, verifier=…)`; the answer's `id_token` verified with
`cryptography` against the key set at /restapi/oauth/jwks (its kid, RS256) and its claims
checked (iss from the discovery document, aud, sub, nonce, exp); userinfo through the SDK.

Environment: OPENGLIP_SERVER, OPENGLIP_CLIENT_ID, OPENGLIP_CLIENT_SECRET, OPENGLIP_REDIRECT_URI,
OPENGLIP_USER_EMAIL, OPENGLIP_USER_PASSWORD. The SDK and `cryptography` are found in
tests/clients/python/.deps (tests/clients/install.sh puts them there) or on PYTHONPATH.
Ends with "N passed, 0 failed" (exit 0), or with the failing step and its error (exit 1).
"""

import base64
import hashlib
import html
import json
import os
import re
import secrets
import sys
import traceback
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".deps"))

from cryptography.exceptions import InvalidSignature  # noqa: E402
from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding, rsa  # noqa: E402
from ringcentral import SDK  # noqa: E402
from ringcentral.platform import platform as sdk_platform  # noqa: E402

# ringcentral 0.9.2's login_url calls urllib.parse.quote without importing urllib (a bug of the
# SDK, not of the server): give its module the import it lacks.
sdk_platform.urllib = urllib


def env(name):
    value = os.environ.get(name)
    if not value:
        print(f"missing environment variable {name}", file=sys.stderr)
        sys.exit(2)
    return value


SERVER = env("OPENGLIP_SERVER").rstrip("/")
CLIENT_ID = env("OPENGLIP_CLIENT_ID")
REDIRECT_URI = env("OPENGLIP_REDIRECT_URI")
EMAIL = env("OPENGLIP_USER_EMAIL")
NONCE = secrets.token_urlsafe(16)

sdk = SDK(CLIENT_ID, env("OPENGLIP_CLIENT_SECRET"), SERVER)
platform = sdk.platform()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie jar and no redirect following."""

    def __init__(self):
        self.jar = {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def request(self, url, fields=None):
        url = url if url.startswith("http") else SERVER + url
        headers = {}
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        data = None
        if fields is not None:
            fields = dict(fields, _csrf=self.jar.get("og_csrf", ""))
            data = urllib.parse.urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = SERVER
        req = urllib.request.Request(url, data=data, headers=headers)
        try:
            res = self.opener.open(req)
        except urllib.error.HTTPError as e:
            res = e
        for c in res.headers.get_all("Set-Cookie") or []:
            name, _, value = c.split(";")[0].partition("=")
            self.jar[name] = value
        return res.status, res.headers.get("Location"), res.read().decode()


def field(page, name):
    m = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
    assert m, f"no {name} field"
    return html.unescape(m.group(1))


def b64json(part):
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def b64int(part):
    return int.from_bytes(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)), "big")


def verified(jwt, jwks):
    """A relying party's check: the key named by the kid, RS256, the signature. None if forged."""
    h, p, s = jwt.split(".")
    header = b64json(h)
    assert header["alg"] == "RS256", header
    jwk = next(k for k in jwks["keys"] if k["kid"] == header["kid"])
    key = rsa.RSAPublicNumbers(b64int(jwk["e"]), b64int(jwk["n"])).public_key()
    sig = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    try:
        key.verify(sig, f"{h}.{p}".encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return None
    return b64json(p)


state = {}


def discovery():
    with urllib.request.urlopen(SERVER + "/.well-known/openid-configuration") as r:
        d = json.load(r)
    assert d["issuer"] == SERVER, d
    assert "RS256" in d["id_token_signing_alg_values_supported"], d
    state["discovery"] = d


def authorize_and_login():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    url = platform.login_url(REDIRECT_URI, "py-oidc", challenge)
    url += "&scope=" + urllib.parse.quote("openid profile email") + "&nonce=" + NONCE
    b = Browser()
    status, _, page = b.request(url)
    assert status == 200 and "Sign in" in page, (status, page)
    status, consent, page = b.request(
        "/oauth/signin", {"q": field(page, "q"), "login": EMAIL, "password": env("OPENGLIP_USER_PASSWORD")}
    )
    assert status == 303, (status, page)
    status, _, page = b.request(consent)
    assert status == 200 and "Access Request" in page, (status, page)
    status, back, page = b.request("/oauth/consent", {"q": field(page, "q"), "decision": "allow"})
    assert status == 303, (status, page)
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(back).query)
    assert q["state"] == ["py-oidc"], back
    res = platform.login(code=q["code"][0], redirect_uri=REDIRECT_URI, verifier=verifier)
    token = res.json_dict()
    assert token.get("id_token"), token
    state["token"] = token


def id_token_verifies():
    d, token = state["discovery"], state["token"]
    with urllib.request.urlopen(d["jwks_uri"]) as r:
        jwks = json.load(r)
    state["jwks"] = jwks
    claims = verified(token["id_token"], jwks)
    assert claims, "the signature does not verify"
    assert claims["iss"] == d["issuer"], claims
    assert claims["aud"] == CLIENT_ID, claims
    assert claims["sub"] == token["owner_id"], claims
    assert claims["nonce"] == NONCE, claims
    assert claims["email"] == EMAIL, claims
    assert claims["exp"] - claims["iat"] == token["expires_in"], claims


def forged_is_refused():
    h, p, s = state["token"]["id_token"].split(".")
    claims = b64json(p)
    claims["nonce"] = "replayed"
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    assert verified(f"{h}.{body}.{s}", state["jwks"]) is None


def userinfo():
    info = platform.get("/restapi/oauth/userinfo").json_dict()
    assert info["sub"] == state["token"]["owner_id"], info
    assert info["email"] == EMAIL, info


STEPS = [
    ("the discovery document names the issuer and RS256", discovery),
    ("login_url with PKCE, openid scope and nonce; the pages; login(code)", authorize_and_login),
    ("the id_token verifies against the published keys, with its claims", id_token_verifies),
    ("a changed claim no longer verifies", forged_is_refused),
    ("userinfo through the SDK answers the same person", userinfo),
]

passed = 0
for name, step in STEPS:
    try:
        step()
        passed += 1
        print(f"ok   {name}")
    except Exception:
        print(f"FAIL {name}")
        traceback.print_exc(file=sys.stdout)
        print(f"{passed} passed, 1 failed")
        sys.exit(1)
print(f"{passed} passed, 0 failed")
