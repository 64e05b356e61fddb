"""The JavaScript tag check (pwa/components/tag-code.js) answers exactly like the server's."""

import json
import os
import secrets
import shutil
import subprocess

import pytest

from tests.live import ROOT
from tests.pwa.tag_vectors import VECTORS, build

NODE = shutil.which("node")
JS_TEST = ROOT / "pwa" / "tests" / "tag-code.test.js"


def test_the_committed_vectors_are_what_the_python_module_computes_today():
    assert json.loads(VECTORS.read_text(encoding="utf-8")) == build()


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_javascript_check_agrees_with_python_on_freshly_generated_codes_and_typos(tmp_path):
    seed = secrets.randbits(32)
    fresh = tmp_path / "tag-codes.json"
    fresh.write_text(json.dumps(build(seed=seed), ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "TAG_VECTORS": str(fresh)}
    done = subprocess.run([NODE, "--test", str(JS_TEST)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"seed {seed}: " + done.stdout[-3000:] + done.stderr[-2000:]
    assert "# pass 3" in done.stdout
