"""Label sheet for 2,915 assets (the body-camera contract's count): seconds and peak memory.

Run: .venv/bin/python bench/labels.py [count]
The timed run has no tracemalloc (it slows allocation-heavy code ~3×); a second, traced run
measures the Python heap peak. ru_maxrss is the process peak, font parsing included.
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from backend.assets import labels, tags
from backend.assets.demo_register import generate_demo_register

BASE_URL = "https://weibao.example.cn"
SITE = "第一看守所 No.1 Detention Centre"


def demo_labels(count: int) -> Iterator[labels.Label]:
    rows = generate_demo_register([("dc1", "detention"), ("cc1", "custody")], total=count)
    for row in rows:
        code = tags.new_tag_code()
        detail = f"{row.brand} {row.model} · {row.serial}"
        yield labels.Label(code, tags.tag_url(BASE_URL, code), row.name, SITE, detail)


def generate(count: int, progress: bool) -> tuple[float, int, int]:
    def report(done: int) -> None:
        if progress:
            print(f"\r{done}/{count} labels", end="", file=sys.stderr, flush=True)

    with tempfile.NamedTemporaryFile(suffix=".pdf") as out:
        started = time.perf_counter()
        pages = labels.write_label_sheet(demo_labels(count), out, on_progress=report)
        seconds = time.perf_counter() - started
        out.flush()
        size = Path(out.name).stat().st_size
    if progress:
        print(file=sys.stderr)
    return seconds, pages, size


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2915
    labels.find_cjk_font()  # font parsing is a once-per-process cost, reported apart
    seconds, pages, size = generate(count, progress=True)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    generate(count, progress=False)
    heap_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(
        f"{count} labels, {pages} pages, {size / 2**20:.1f} MiB PDF in {seconds:.2f} s; "
        f"peak RSS {rss_mb:.0f} MiB, Python heap peak {heap_peak_mb:.1f} MiB"
    )
    print(
        json.dumps(
            {
                "bench": "labels",
                "labels": count,
                "seconds": round(seconds, 2),
                "peak_mb": round(heap_peak_mb, 1),
                "max_rss_mb": round(rss_mb, 1),
                "pages": pages,
                "pdf_mb": round(size / 2**20, 2),
            }
        )
    )


if __name__ == "__main__":
    main()
