"""The 水印 band Chinese field workers expect from a watermark camera, on a report copy only.

Rendered with WenQuanYi Micro Hei (Debian `fonts-wqy-microhei`); without it CJK text would be
boxes, so a missing font is a clear 503 rather than a silently unreadable report.
"""

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from backend.errors import ServiceUnavailable

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
# The sites are in China; field workers read local time on the photo.
LOCAL_TIME = ZoneInfo("Asia/Shanghai")
PHASE_LABELS = {"before": "维修前", "during": "维修中", "after": "维修后", "other": "其他"}


@dataclass(frozen=True)
class Caption:
    asset: str
    site: str
    captured_at: datetime
    technician: str
    phase: str

    def lines(self) -> list[str]:
        when = self.captured_at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M:%S")
        return [
            f"设备：{self.asset or '—'}",
            f"站点：{self.site}",
            f"时间：{when}",
            f"人员：{self.technician}    阶段：{PHASE_LABELS.get(self.phase, self.phase)}",
        ]


def font(size: int, path: Path = FONT_PATH) -> ImageFont.FreeTypeFont:
    if not path.exists():
        raise ServiceUnavailable(
            f"The CJK font {path} is missing; install the Debian package fonts-wqy-microhei.",
            code="font_missing",
        )
    return ImageFont.truetype(str(path), size)


def band_height(image_height: int, line_count: int, size: int) -> int:
    return min(image_height, int(line_count * size * 1.35) + size)


def stamp(image: Image.Image, caption: Caption, font_path: Path = FONT_PATH) -> Image.Image:
    """A copy with a translucent dark band across the bottom carrying the caption."""
    base = image.convert("RGBA")
    size = max(14, base.width // 40)
    face = font(size, font_path)
    lines = caption.lines()
    top = base.height - band_height(base.height, len(lines), size)
    overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    draw.rectangle([0, top, base.width, base.height], fill=(0, 0, 0, 140))
    for index, line in enumerate(lines):
        y = top + size // 2 + int(index * size * 1.35)
        draw.text((size // 2, y), line, font=face, fill=(255, 255, 255, 255))
    return Image.alpha_composite(base, overlay).convert("RGB")


def render(data: bytes, caption: Caption) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        stamped = stamp(image, caption)
    out = io.BytesIO()
    stamped.save(out, "JPEG", quality=85)
    return out.getvalue()
