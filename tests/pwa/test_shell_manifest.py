"""The service worker's precache list and index.html's import map point at real files, so
the worker installs (cache.addAll fails on one 404) and every module works offline."""

import json
import re

from tests.live import ROOT

PWA = ROOT / "pwa"


def shell_list() -> list[str]:
    source = (PWA / "sw.js").read_text(encoding="utf-8")
    block = re.search(r"const SHELL = \[(.*?)\];", source, re.S).group(1)
    return re.findall(r"'([^']+)'", block)


def import_map() -> dict[str, str]:
    page = (PWA / "index.html").read_text(encoding="utf-8")
    return json.loads(re.search(r'<script type="importmap">(.*?)</script>', page, re.S).group(1))["imports"]


def test_every_precached_path_exists():
    missing = [path for path in shell_list() if path != "/" and not (PWA / path.lstrip("/")).is_file()]
    assert missing == []


def test_every_module_stylesheet_and_mapped_package_is_precached():
    # A screen whose module or stylesheet is missing from the cache breaks offline only.
    shell = set(shell_list())
    folders = ("store", "components", "views", "i18n")
    modules = {f"/{p.relative_to(PWA).as_posix()}" for d in folders for p in (PWA / d).iterdir()}
    modules |= {f"/{p.name}" for p in PWA.iterdir() if p.suffix in (".js", ".css") and p.name != "sw.js"}
    assert modules - shell == set()
    assert set(import_map().values()) - shell == set()
    assert "/node_modules/zxing-wasm/dist/reader/zxing_reader.wasm" in shell


def test_vendor_modules_import_only_relative_files_that_are_precached():
    shell = set(shell_list())
    for entry in import_map().values():
        source = (PWA / entry.lstrip("/")).read_text(encoding="utf-8")
        for target in re.findall(r'from\s*["\'](\.[^"\']+)["\']', source):
            resolved = (PWA / entry.lstrip("/")).parent.joinpath(target).resolve().relative_to(PWA.resolve())
            assert f"/{resolved.as_posix()}" in shell, f"{entry} imports {target}"


def test_the_served_wasm_is_the_build_the_barcode_polyfill_was_made_for():
    bundled = (PWA / "node_modules/barcode-detector/dist/es/zxing-exported.js").read_text(encoding="utf-8")
    expected = re.search(r"zxing-wasm@([0-9.]+)/dist", bundled).group(1)
    installed = json.loads((PWA / "node_modules/zxing-wasm/package.json").read_text(encoding="utf-8"))[
        "version"
    ]
    assert installed == expected
