import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

from backend.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
NEW_ROWS = "\r\n".join(
    [
        "设备名称,站点,系统,序列号,位置,重要性",
        "紧急报警按钮 拘室 101,拘留所,报警系统,CLI-0001,拘室区 1F 101室,重点部位",
        "对讲分机 拘室 102,拘留所,对讲系统,CLI-0002,拘室区 1F 102室,一般",
    ]
)


def weibao(settings: Settings, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "WEIBAO_DATA_DIR": str(settings.data_dir),
        "WEIBAO_DATABASE_URL": settings.database_url,
    }
    cmd = [sys.executable, "-m", "backend.cli", *args]
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    assert not check or done.returncode == 0, done.stderr
    return done


def test_cli_import_and_export_round_trip_on_the_demo_register(settings, tmp_path):
    weibao(settings, "demo")
    if shutil.which("pdfinfo"):  # one demo load serves the labels command too
        labels_for_one_site(settings, tmp_path / "labels.pdf")
    exported = tmp_path / "register.csv"
    weibao(settings, "export-assets", "-o", str(exported))
    assert exported.read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(exported.read_text("utf-8-sig").splitlines()) == 1 + 1500
    new_file = tmp_path / "new.csv"
    new_file.write_bytes(NEW_ROWS.encode("gbk"))
    dry = weibao(settings, "import-assets", str(new_file), "--dry-run")
    assert "Would import: 2 created, 0 updated, 0 unchanged, 0 row errors" in dry.stdout
    real = weibao(settings, "import-assets", str(new_file))
    assert "Imported: 2 created" in real.stdout and "2/2 rows" in real.stderr
    weibao(settings, "export-assets", "-o", str(exported))
    assert "紧急报警按钮 拘室 101" in exported.read_text("utf-8-sig")
    again = weibao(settings, "import-assets", str(exported))
    assert "0 created, 0 updated, 1502 unchanged, 0 row errors" in again.stdout


def labels_for_one_site(settings: Settings, out: Path) -> None:
    done = weibao(settings, "labels", "--site", "人民-建设", "-o", str(out))
    assert "75/75 labels" in done.stderr
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert f"Pages:           {math.ceil(75 / 24)}" in info


def test_cli_import_with_bad_rows_lists_them_and_exits_non_zero(settings, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(NEW_ROWS.replace("拘留所", "没有这个站点"), encoding="utf-8")
    done = weibao(settings, "import-assets", str(bad), check=False)
    assert done.returncode == 1
    assert "row 2" in done.stderr and "row 3" in done.stderr and "nothing was imported" in done.stderr
