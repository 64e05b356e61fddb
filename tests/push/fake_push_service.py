"""A fake push service on 127.0.0.1 that checks what a real one checks (RFC 8030 / 8291 / 8292).

It verifies the VAPID JWT itself with `cryptography` (not with PyJWT, which `webpush` signs
with) and decrypts every body with `http_ece`, an implementation independent of `webpush`.
Run in a thread for tests (`running_fake_push_service()`), or as a process for the benchmark
(`python tests/push/fake_push_service.py` prints its base URL, then `POST /_fake/mint`).
"""

import asyncio
import base64
import json
import os
import re
import socket
import sys
import threading
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import http_ece
import uvicorn
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from backend.push.sender import Subscription

MAX_BODY_BYTES = 4096  # RFC 8030 §7.2 lets a service refuse larger; RFC 8291 §4 sizes to it
MAX_TOKEN_LIFETIME_S = 24 * 3600  # RFC 8292 §2
_TOPIC = re.compile(r"[A-Za-z0-9_-]{1,32}")
_URGENCIES = {"very-low", "low", "normal", "high"}


@dataclass(frozen=True)
class Delivery:
    endpoint: str
    plaintext: bytes
    ttl: int
    urgency: str | None
    topic: str | None


@dataclass(frozen=True)
class Reply:
    """One scripted answer; after the delay a status of 201 means "deliver normally"."""

    status: int = 201
    retry_after: str | None = None
    delay_s: float = 0.0


class Rejected(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class _Recipient:
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    application_server_key: str | None  # a "restricted" subscription (RFC 8292 §4)


class FakePushService:
    """An ASGI app; state is read by the test thread while the server thread appends."""

    def __init__(self) -> None:
        self.base_url = ""
        self.deliveries: list[Delivery] = []
        self.rejections: list[tuple[int, str]] = []
        self.requests = 0
        self._recipients: dict[str, _Recipient] = {}
        self._scripts: defaultdict[str, deque[Reply]] = defaultdict(deque)

    def mint_subscription(self, application_server_key: str | None = None) -> Subscription:
        """What a browser would get from pushManager.subscribe() on this service."""
        private_key = ec.generate_private_key(ec.SECP256R1())
        auth_secret = os.urandom(16)
        endpoint = f"{self.base_url}/push/{uuid.uuid4().hex}"
        self._recipients[endpoint] = _Recipient(private_key, auth_secret, application_server_key)
        public = private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return Subscription(endpoint=endpoint, p256dh=_b64(public), auth=_b64(auth_secret))

    def reset(self) -> None:
        """Forget what earlier tests did, so one server can serve a whole test session."""
        self.deliveries.clear()
        self.rejections.clear()
        self.requests = 0
        self._scripts.clear()

    def script(self, endpoint: str, *replies: Reply) -> None:
        self._scripts[endpoint].extend(replies)

    def deliveries_to(self, endpoint: str) -> list[Delivery]:
        return [delivery for delivery in self.deliveries if delivery.endpoint == endpoint]

    async def __call__(self, scope, receive, send) -> None:
        body = await _read_body(receive)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if scope["path"] == "/_fake/mint":
            status, extra, content = 201, {}, _subscription_json(self.mint_subscription())
        elif scope["path"] == "/_fake/stats":
            status, extra, content = 200, {}, json.dumps({"delivered": len(self.deliveries)})
        else:
            status, extra = await self._push(scope, headers, body)
            content = ""
        await _respond(send, status, extra, content.encode())

    async def _push(self, scope, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        self.requests += 1
        endpoint = self.base_url + scope["path"]
        try:
            recipient = self._recipients.get(endpoint)
            if scope["method"] != "POST" or recipient is None:
                raise Rejected(404, "no such subscription")
            delivery = _check_push(scope, headers, body, recipient, endpoint)
            reply = await self._scripted_reply(endpoint)
            if reply.status != 201:
                extra = {"retry-after": reply.retry_after} if reply.retry_after else {}
                return reply.status, extra
        except Rejected as rejection:
            self.rejections.append((rejection.status, str(rejection)))
            return rejection.status, {}
        self.deliveries.append(delivery)
        return 201, {"location": f"/message/{uuid.uuid4().hex}"}  # RFC 8030 §5

    async def _scripted_reply(self, endpoint: str) -> Reply:
        queue = self._scripts.get(endpoint)
        reply = queue.popleft() if queue else Reply()
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        return reply


def _check_push(scope, headers, body: bytes, recipient: _Recipient, endpoint: str) -> Delivery:
    host = headers.get("host", "").rsplit(":", 1)[0]
    verify_vapid(headers.get("authorization"), scope["scheme"], host, recipient)
    ttl = headers.get("ttl", "")
    if not ttl.isdigit():  # RFC 8030 §5.2: TTL is required
        raise Rejected(400, "missing or malformed TTL")
    urgency, topic = headers.get("urgency"), headers.get("topic")
    if urgency is not None and urgency not in _URGENCIES:
        raise Rejected(400, f"bad Urgency {urgency!r}")
    if topic is not None and not _TOPIC.fullmatch(topic):
        raise Rejected(400, f"bad Topic {topic!r}")
    if headers.get("content-encoding") != "aes128gcm":
        raise Rejected(415, "content-encoding must be aes128gcm (RFC 8291 §4)")
    if len(body) > MAX_BODY_BYTES:
        raise Rejected(413, "payload too large")
    plaintext = _decrypt(body, recipient)
    return Delivery(endpoint, plaintext, int(ttl), urgency, topic)


def verify_vapid(authorization: str | None, scheme: str, host: str, recipient: _Recipient) -> None:
    """RFC 8292 §3–4: 401 without credentials, 403 when they do not check out."""
    params = _vapid_params(authorization)
    key_b64, token = params.get("k", ""), params.get("t", "")
    if recipient.application_server_key and key_b64 != recipient.application_server_key:
        raise Rejected(403, "k is not the key this subscription was created with")
    try:
        public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _unb64(key_b64))
        header_b64, claims_b64, signature_b64 = token.split(".")
        header, claims = json.loads(_unb64(header_b64)), json.loads(_unb64(claims_b64))
        signature = _unb64(signature_b64)
    except (ValueError, TypeError) as error:
        raise Rejected(403, f"malformed vapid credentials: {error}") from error
    if header.get("alg") != "ES256" or len(signature) != 64:
        raise Rejected(403, "JWT must be ES256 with a 64-byte signature (RFC 8292 §2)")
    _verify_signature(public_key, f"{header_b64}.{claims_b64}".encode(), signature)
    _verify_claims(claims, scheme, host)


def _vapid_params(authorization: str | None) -> dict[str, str]:
    scheme, _, rest = (authorization or "").partition(" ")
    if scheme.lower() != "vapid":
        raise Rejected(401, "no vapid authorization")
    pairs = (part.strip().partition("=") for part in rest.split(","))
    return {name.strip(): value.strip() for name, _, value in pairs}


def _verify_signature(public_key: ec.EllipticCurvePublicKey, signed: bytes, raw: bytes) -> None:
    # JWS (RFC 7518 §3.4) carries r||s; cryptography wants DER.
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public_key.verify(der, signed, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as error:
        raise Rejected(403, "JWT signature does not verify against k") from error


def _verify_claims(claims: dict, scheme: str, host: str) -> None:
    # The audience is the endpoint's origin; the port is not compared because `webpush`
    # leaves it out, which only matters for a service that is not on 443 (this one).
    audience = urlsplit(str(claims.get("aud", "")))
    if (audience.scheme, audience.hostname) != (scheme, host.lower()):
        raise Rejected(403, f"aud {claims.get('aud')!r} is not this push service")
    expires, now = claims.get("exp"), time.time()
    if not isinstance(expires, int) or not now < expires <= now + MAX_TOKEN_LIFETIME_S:
        raise Rejected(403, f"exp {expires!r} is past or more than 24 h ahead")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise Rejected(403, "sub must be a mailto: or https: contact")


def _decrypt(body: bytes, recipient: _Recipient) -> bytes:
    try:
        return http_ece.decrypt(
            body,
            private_key=recipient.private_key,
            auth_secret=recipient.auth_secret,
            version="aes128gcm",
        )
    except Exception as error:  # http_ece raises several types for a bad body
        raise Rejected(400, f"cannot decrypt: {error}") from error


async def _read_body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _respond(send, status: int, headers: dict[str, str], content: bytes) -> None:
    raw = [(k.encode(), v.encode()) for k, v in headers.items()]
    raw.append((b"content-length", str(len(content)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": content})


def _subscription_json(subscription: Subscription) -> str:
    keys = {"p256dh": subscription.p256dh, "auth": subscription.auth}
    return json.dumps({"endpoint": subscription.endpoint, "keys": keys})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _server(service: FakePushService) -> tuple[uvicorn.Server, socket.socket]:
    # IPPROTO_TCP explicitly: asyncio only disables Nagle on sockets whose proto says TCP,
    # and with proto 0 every response split in two writes waited ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))  # a random free port, known before the server starts
    service.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = uvicorn.Config(
        service, lifespan="off", log_level="warning", access_log=False, backlog=1024
    )
    return uvicorn.Server(config), sock


@contextmanager
def running_fake_push_service() -> Iterator[FakePushService]:
    service = FakePushService()
    server, sock = _server(service)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the fake push service did not start")
        time.sleep(0.01)
    try:
        yield service
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


if __name__ == "__main__":
    fake = FakePushService()
    fake_server, fake_socket = _server(fake)
    print(json.dumps({"base_url": fake.base_url}), flush=True)
    sys.exit(fake_server.run(sockets=[fake_socket]))
