"""Render resources/icons/reader.svg to the PNG sizes, a Windows .ico and a macOS .icns.

    python packaging/make_icons.py

Qt (QtSvg) renders the SVG; Pillow, if installed, writes the .ico and .icns.
The outputs are committed, so a build does not need to run this.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def main() -> int:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    svg = ICONS / "reader.svg"
    pngs: dict[int, bytes] = {}
    for size in SIZES:
        pngs[size] = render(svg, size)
        (ICONS / f"reader-{size}.png").write_bytes(pngs[size])
    try:
        from PIL import Image
    except ImportError:
        print("Pillow not installed: PNGs written, .ico/.icns skipped")
        return 0
    big = Image.open(io.BytesIO(pngs[256]))
    big.save(ICONS / "reader.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)],
             append_images=[Image.open(io.BytesIO(pngs[s])) for s in (16, 24, 32, 48, 64, 128)])
    Image.open(io.BytesIO(pngs[512])).save(ICONS / "reader.icns")
    print(f"wrote {len(SIZES)} PNGs, reader.ico and reader.icns in {ICONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
