"""Conformance vectors for the tag code check, computed by backend/assets/tags.py.

`python -m tests.pwa.tag_vectors` rewrites pwa/tests/vectors/tag-codes.json; the JS side
(pwa/tests/tag-code.test.js) must give the same answer for every input, and
tests/pwa/test_tag_code_vectors.py fails when the file no longer matches the Python module.
"""

import json
import random
from pathlib import Path

import msgspec

from backend.assets import tags

VECTORS = Path(__file__).resolve().parents[2] / "pwa" / "tests" / "vectors" / "tag-codes.json"


def _inputs(rng: random.Random) -> list[str]:
    codes = [b + tags.check_character(b) for b in _bodies(rng, 12)]
    inputs = list(codes)
    for code in codes[:4]:
        for i in range(tags.CODE_LENGTH):
            inputs.append(code[:i] + rng.choice(tags.ALPHABET.replace(code[i], "")) + code[i + 1 :])
        inputs += [code[:i] + code[i + 1] + code[i] + code[i + 2 :] for i in range(tags.CODE_LENGTH - 1)]
    a, b = codes[4], codes[5]
    inputs += [
        a.lower(),
        f"  {a[:5]}-{a[5:]}  ",
        f"{a[:3]} {a[3:6]}.{a[6:]}",
        f"https://wb.example/t/{a}?src=qr#x",
        f"/t/{b.lower()}",
        "".join(chr(ord(c) + 0xFEE0) for c in b),  # full-width, as from a Chinese IME
        f"\u3000{b}\u3000",
        b.replace(b[2], "O", 1),
        b[:4] + "1" + b[5:],
        b[:7] + "I" + b[8:],
        b[:1] + "L" + b[2:],
        b[:9] + "0",
        a[:9],
        a + "2",
        "",
        "   ",
        "-",
        a[:8] + "00",
        a[:8] + "!?",
        a[:9] + "!",
        "ABC/t/",
        "银行" + a[:8],
        a[:5] + "·" + a[5:],
    ]
    return inputs


def _bodies(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choice(tags.ALPHABET) for _ in range(tags.CODE_LENGTH - 1)) for _ in range(count)]


def build(seed: int = 7) -> dict:
    rng = random.Random(seed)
    bodies = _bodies(rng, 20)
    return {
        "check_character": [{"body": b, "check": tags.check_character(b)} for b in bodies],
        "validate": [
            {
                "input": text,
                "normalised": tags.normalise(text),
                "expect": msgspec.to_builtins(tags.validate(text)),
            }
            for text in _inputs(rng)
        ],
    }


def main() -> None:
    VECTORS.write_text(json.dumps(build(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
