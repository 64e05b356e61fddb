import io
import math
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from backend.assets import labels, tags
from backend.assets.labels import CjkFontMissing, Label, SheetLayout

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (apt-get install poppler-utils)"
)
NAMES = ["枪式摄像机", "门禁控制器", "报警主机", "对讲分机", "交换机"]


def make_labels(count: int) -> list[Label]:
    result = []
    for i in range(count):
        code = tags.new_tag_code()
        result.append(
            Label(
                code=code,
                url=tags.tag_url("https://weibao.example.cn", code),
                asset_name=f"{NAMES[i % len(NAMES)]}{i:04d}",
                site_name="第一看守所 No.1 Detention Centre",
                detail="监控系统 · 一监区 2F 203",
            )
        )
    return result


def write_pdf(tmp_path: Path, items, **kwargs) -> Path:
    path = tmp_path / "labels.pdf"
    with path.open("wb") as out:
        labels.write_label_sheet(items, out, **kwargs)
    return path


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))
    return int(pages.split()[1])


def text_of(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("count", [1, 24, 25, 50])
def test_the_sheet_has_one_page_per_24_labels(tmp_path, count):
    path = write_pdf(tmp_path, make_labels(count))
    assert page_count(path) == math.ceil(count / 24) == labels.pages_needed(count)


def test_pdftotext_finds_the_chinese_asset_names_codes_and_site(tmp_path):
    items = make_labels(30)
    text = text_of(write_pdf(tmp_path, items)).replace(" ", "")
    for item in items:
        assert item.asset_name.replace(" ", "") in text
        assert tags.format_code(item.code) in text
    assert "第一看守所" in text and "No.1Detention" in text and "扫码报修" in text


def test_every_qr_on_a_printed_page_decodes_to_its_label_url(tmp_path):
    items = make_labels(24)
    path = write_pdf(tmp_path, items)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
        check=True,
    )
    page = Image.open(next(tmp_path.glob("page*.png")))
    found = {b.text for b in zxingcpp.read_barcodes(page, formats=zxingcpp.BarcodeFormat.QRCode)}
    assert found == {item.url for item in items}


def test_labels_are_consumed_page_by_page_with_progress(tmp_path):
    pulled = 0
    seen_at_progress = []

    def lazily():
        nonlocal pulled
        for item in make_labels(60):
            pulled += 1
            yield item

    progress = []
    write_pdf(
        tmp_path,
        lazily(),
        on_progress=lambda done: (progress.append(done), seen_at_progress.append(pulled)),
    )
    assert progress == [24, 48, 60]
    assert seen_at_progress[0] <= 25  # the first page was drawn before the rest was read


def test_a_custom_grid_changes_labels_per_page(tmp_path):
    path = write_pdf(tmp_path, make_labels(21), layout=SheetLayout(columns=2, rows=5, guides=True))
    assert page_count(path) == 3


def test_an_overlong_name_is_cut_with_an_ellipsis_not_spilled(tmp_path):
    item = make_labels(1)[0]
    long = Label(item.code, item.url, "超长设备名称" * 12, item.site_name)
    text = text_of(write_pdf(tmp_path, [long]))
    assert "…" in text
    assert text.count("超长设备名称") < 12


def test_an_empty_selection_still_makes_a_valid_pdf(tmp_path):
    assert page_count(write_pdf(tmp_path, [])) == 1


def test_a_missing_cjk_font_is_a_clear_error():
    with pytest.raises(CjkFontMissing, match="fonts-wqy-microhei"):
        labels.write_label_sheet(
            make_labels(1), io.BytesIO(), font_candidates=[Path("/nonexistent/font.ttc")]
        )
