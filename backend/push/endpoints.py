"""What a subscription must look like before our server will ever POST to it.

The endpoint comes from the browser, i.e. from whoever holds a session: without these checks
"subscribe" would let any user make our server send requests into the operator's network
(SSRF). Real push services are public https hosts (RFC 8030 §8: push messages go over TLS).
"""

import base64
import binascii
import ipaddress
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

P256_POINT_BYTES = 65  # uncompressed SEC1 point: 0x04 || X || Y (RFC 8291 §3.1)
AUTH_SECRET_BYTES = 16  # RFC 8291 §3.2
LOOPBACK_HOSTS = frozenset({"127.0.0.1"})


def endpoint_problem(endpoint: str, allow_loopback: bool) -> str | None:
    """None when the endpoint is acceptable, otherwise the reason it is refused."""
    try:
        url = urlsplit(endpoint)
        host = (url.hostname or "").lower()
        url.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "the endpoint is not a valid URL"
    if url.username or url.password:
        return "the endpoint must not carry credentials"
    if allow_loopback and url.scheme == "http" and host in LOOPBACK_HOSTS:
        return None
    if url.scheme != "https" or not host:
        return "the endpoint must be an https URL"
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return "the endpoint must be a public push service"
    if _is_private_address(host):
        return "the endpoint must be a public push service"
    return None


def _is_private_address(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False  # a name; push services are named hosts
    return not address.is_global


def key_problem(p256dh: str, auth: str) -> str | None:
    point, secret = _unb64(p256dh), _unb64(auth)
    if point is None or len(point) != P256_POINT_BYTES or not _on_curve(point):
        return "keys.p256dh must be an uncompressed P-256 point in base64url"
    if secret is None or len(secret) != AUTH_SECRET_BYTES:
        return "keys.auth must be 16 bytes in base64url"
    return None


def _on_curve(point: bytes) -> bool:
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        return False
    return point[0] == 4


def _unb64(text: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def endpoint_origin(endpoint: str) -> str:
    """What a person may see of an endpoint: the push service's host, not the capability."""
    return urlsplit(endpoint).hostname or ""
