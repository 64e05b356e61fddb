"""The fake push service really verifies: a test that passes against it means something."""

import time

import jwt
import pytest

from backend.push.sender import delivery_options
from backend.push.vapid import generate_vapid_keys


async def _post(client, subscription, body, headers):
    return await client.post(subscription.endpoint, content=body, headers=headers)


async def test_a_token_signed_by_another_key_than_k_is_forbidden(
    fake_push, sender, client, tmp_path
):
    subscription = fake_push.mint_subscription()
    body, headers = sender.encrypt(b"{}", subscription, delivery_options(1, 1))
    other_keys = generate_vapid_keys(tmp_path / "other")
    forged = jwt.encode(_claims(), other_keys.private_pem, algorithm="ES256")
    headers["authorization"] = f"vapid t={forged}, k={sender.keys.application_server_key}"

    response = await _post(client, subscription, body, headers)

    assert response.status_code == 403
    assert "signature" in fake_push.rejections[-1][1]
    assert fake_push.deliveries == []


async def test_our_own_headers_are_accepted_as_a_control(fake_push, sender, client):
    subscription = fake_push.mint_subscription()
    body, headers = sender.encrypt(b"hello", subscription, delivery_options(1, 1))

    response = await _post(client, subscription, body, headers)

    assert response.status_code == 201
    assert fake_push.deliveries[0].plaintext == b"hello"


@pytest.mark.parametrize(
    ("claim", "value", "reason"),
    [
        ("aud", "https://push.example.net", "aud"),
        ("exp", int(time.time()) - 10, "exp"),
        ("exp", int(time.time()) + 25 * 3600, "exp"),
        ("sub", "ops@weibao.example", "sub"),
    ],
)
async def test_a_token_with_a_wrong_claim_is_forbidden(
    fake_push, sender, client, claim, value, reason
):
    subscription = fake_push.mint_subscription()
    body, headers = sender.encrypt(b"{}", subscription, delivery_options(1, 1))
    token = jwt.encode(_claims() | {claim: value}, sender.keys.private_pem, algorithm="ES256")
    headers["authorization"] = f"vapid t={token}, k={sender.keys.application_server_key}"

    response = await _post(client, subscription, body, headers)

    assert response.status_code == 403
    assert fake_push.rejections[-1][1].startswith(reason)


async def test_a_message_without_vapid_is_unauthorised(fake_push, sender, client):
    subscription = fake_push.mint_subscription()
    body, headers = sender.encrypt(b"{}", subscription, delivery_options(1, 1))
    del headers["authorization"]

    assert (await _post(client, subscription, body, headers)).status_code == 401


async def test_a_message_without_ttl_is_refused(fake_push, sender, client):
    subscription = fake_push.mint_subscription()
    body, headers = sender.encrypt(b"{}", subscription, delivery_options(1, 1))
    del headers["ttl"]

    assert (await _post(client, subscription, body, headers)).status_code == 400


async def test_a_body_encrypted_for_another_subscription_cannot_be_decrypted(
    fake_push, sender, client
):
    intended, other = fake_push.mint_subscription(), fake_push.mint_subscription()
    body, headers = sender.encrypt(b"{}", intended, delivery_options(1, 1))

    response = await _post(client, other, body, headers)

    assert response.status_code == 400
    assert fake_push.deliveries == []


def _claims() -> dict:
    return {
        "aud": "http://127.0.0.1",
        "exp": int(time.time()) + 3600,
        "sub": "mailto:ops@weibao.example",
    }
