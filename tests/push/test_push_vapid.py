"""VAPID keys: created once per data directory, private to the owner, the same on every start."""

import base64
import stat

import pytest
from cryptography.hazmat.primitives import serialization

from backend.push.vapid import (
    PRIVATE_KEY_FILE,
    PUBLIC_KEY_FILE,
    VapidKeyError,
    generate_vapid_keys,
    load_or_generate_vapid_keys,
    load_vapid_keys,
)


def test_generated_key_files_are_readable_only_by_their_owner(tmp_path):
    generate_vapid_keys(tmp_path / "data")

    for name in (PRIVATE_KEY_FILE, PUBLIC_KEY_FILE):
        assert stat.S_IMODE((tmp_path / "data" / name).stat().st_mode) == 0o600


def test_the_application_server_key_is_the_public_point_in_base64url(tmp_path):
    keys = generate_vapid_keys(tmp_path)
    point = base64.urlsafe_b64decode(keys.application_server_key + "=")
    public = serialization.load_pem_public_key(keys.public_pem)

    assert "=" not in keys.application_server_key
    assert point == public.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


def test_a_second_start_loads_the_key_of_the_first(tmp_path):
    first = load_or_generate_vapid_keys(tmp_path)
    second = load_or_generate_vapid_keys(tmp_path)

    assert second == first


def test_generating_over_an_existing_key_keeps_the_existing_key(tmp_path):
    winner = generate_vapid_keys(tmp_path)

    assert generate_vapid_keys(tmp_path) == winner
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_key_file_others_can_read_is_refused(tmp_path):
    generate_vapid_keys(tmp_path)
    (tmp_path / PRIVATE_KEY_FILE).chmod(0o644)

    with pytest.raises(VapidKeyError, match="chmod 600"):
        load_vapid_keys(tmp_path)


def test_a_missing_key_is_a_clear_error(tmp_path):
    with pytest.raises(VapidKeyError, match="cannot load"):
        load_vapid_keys(tmp_path)
