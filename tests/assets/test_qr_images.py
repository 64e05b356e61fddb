import io
import re

import zxingcpp
from PIL import Image, ImageDraw

from backend.assets import qr, tags

BASE = "https://weibao.example.cn"


def decode(image: Image.Image) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


def test_one_hundred_random_tag_pngs_decode_to_their_exact_url():
    for i in range(100):
        code = tags.new_tag_code()
        url = tags.tag_url(BASE, code)
        caption = tags.format_code(code) if i % 2 else None
        png = qr.png_bytes(url, module_px=4, caption=caption)
        found = decode(Image.open(io.BytesIO(png)))
        assert [b.text for b in found] == [url]


def test_tag_pngs_use_error_correction_m_or_higher():
    found = decode(Image.open(io.BytesIO(qr.png_bytes(tags.tag_url(BASE, "ABCDEFGHJK")))))
    assert found[0].ec_level in {"M", "Q", "H"}


def test_png_keeps_a_four_module_white_quiet_zone():
    module_px = 5
    image = Image.open(
        io.BytesIO(qr.png_bytes(tags.tag_url(BASE, "ABCDEFGHJK"), module_px=module_px))
    )
    margin = qr.QUIET_ZONE * module_px
    grey = image.convert("L")
    border = [
        grey.crop(box)
        for box in (
            (0, 0, grey.width, margin),
            (0, 0, margin, grey.height),
            (grey.width - margin, 0, grey.width, grey.height),
            (0, grey.height - margin, grey.width, grey.height),
        )
    ]
    assert all(part.getextrema() == (255, 255) for part in border)
    assert grey.crop((margin, margin, margin + 7 * module_px, margin + 1)).getextrema()[0] == 0


def test_caption_is_drawn_below_the_code_not_over_it():
    url = tags.tag_url(BASE, "ABCDEFGHJK")
    plain = Image.open(io.BytesIO(qr.png_bytes(url, module_px=6)))
    captioned = Image.open(io.BytesIO(qr.png_bytes(url, module_px=6, caption="ABCDE-FGHJK")))
    assert captioned.height > plain.height
    below = captioned.convert("L").crop((0, plain.height, captioned.width, captioned.height))
    assert below.getextrema()[0] < 128  # ink in the band under the code


def rasterise_svg(svg: bytes, scale: int = 6) -> Image.Image:
    text = svg.decode()
    size = int(re.search(r'viewBox="0 0 (\d+) \d+"', text).group(1))
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y, n in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", text):
        x, y, n = int(x), int(y), int(n)
        draw.rectangle((x * scale, y * scale, (x + n) * scale - 1, (y + 1) * scale - 1), fill=0)
    return image


def test_svg_paths_draw_a_code_that_decodes_to_the_url():
    for _ in range(10):
        url = tags.tag_url(BASE, tags.new_tag_code())
        assert [b.text for b in decode(rasterise_svg(qr.svg_bytes(url)))] == [url]


def test_the_fixed_bulk_mask_still_decodes():
    url = tags.tag_url(BASE, tags.new_tag_code())
    matrix = qr.module_matrix(url, mask_pattern=qr.BULK_MASK)
    image = Image.new("L", (len(matrix) + 8, len(matrix) + 8), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.putpixel((x + 4, y + 4), 0)
    assert decode(image.resize((image.width * 6,) * 2, Image.Resampling.NEAREST))[0].text == url
