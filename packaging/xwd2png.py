"""Convert an X window dump (Xvfb's -fbdir framebuffer, or `xwd` output) to PNG, with no dependencies.

    python packaging/xwd2png.py Xvfb_screen0 out.png [--crop WxH]

Handles the TrueColor ZPixmap dumps Xvfb writes (24/32 bits per pixel).
"""
from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

HEADER_FIELDS = ("header_size", "file_version", "pixmap_format", "pixmap_depth", "pixmap_width", "pixmap_height",
                 "xoffset", "byte_order", "bitmap_unit", "bitmap_bit_order", "bitmap_pad", "bits_per_pixel",
                 "bytes_per_line", "visual_class", "red_mask", "green_mask", "blue_mask", "bits_per_rgb",
                 "colormap_entries", "ncolors", "window_width", "window_height", "window_x", "window_y",
                 "window_bdrwidth")


def _shift(mask: int) -> int:
    return (mask & -mask).bit_length() - 1 if mask else 0


def read_xwd(data: bytes) -> tuple[int, int, bytes]:
    """(width, height, RGB bytes) of a dump."""
    for endian in (">", "<"):
        values = dict(zip(HEADER_FIELDS, struct.unpack(endian + "25I", data[:100])))
        if values["file_version"] == 7:
            break
    else:
        raise ValueError("not an X11 window dump (version 7)")
    if values["pixmap_format"] != 2 or values["bits_per_pixel"] not in (24, 32):
        raise ValueError(f"unsupported dump: format {values['pixmap_format']}, {values['bits_per_pixel']} bpp")
    width, height = values["pixmap_width"], values["pixmap_height"]
    offset = values["header_size"] + values["ncolors"] * 12
    step = values["bits_per_pixel"] // 8
    pixel_endian = "<" if values["byte_order"] == 0 else ">"
    masks = [(values[m], _shift(values[m])) for m in ("red_mask", "green_mask", "blue_mask")]
    rows = []
    for y in range(height):
        line = data[offset + y * values["bytes_per_line"]: offset + y * values["bytes_per_line"] + width * step]
        if step == 4:
            pixels = struct.unpack(pixel_endian + f"{width}I", line)
        else:
            pixels = [int.from_bytes(line[i:i + 3], "little" if pixel_endian == "<" else "big")
                      for i in range(0, len(line), 3)]
        row = bytearray(width * 3)
        for x, p in enumerate(pixels):
            row[x * 3] = (p & masks[0][0]) >> masks[0][1]
            row[x * 3 + 1] = (p & masks[1][0]) >> masks[1][1]
            row[x * 3 + 2] = (p & masks[2][0]) >> masks[2][1]
        rows.append(bytes(row))
    return width, height, b"".join(rows)


def write_png(path: Path, width: int, height: int, rgb: bytes) -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    stride = width * 3
    raw = b"".join(b"\x00" + rgb[y * stride:(y + 1) * stride] for y in range(height))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    path.write_bytes(png)


def crop(width: int, height: int, rgb: bytes, new_width: int, new_height: int) -> tuple[int, int, bytes]:
    new_width, new_height = min(width, new_width), min(height, new_height)
    rows = [rgb[y * width * 3: y * width * 3 + new_width * 3] for y in range(new_height)]
    return new_width, new_height, b"".join(rows)


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__)
        return 2
    width, height, rgb = read_xwd(Path(argv[0]).read_bytes())
    if len(argv) >= 4 and argv[2] == "--crop":
        w, h = (int(v) for v in argv[3].lower().split("x"))
        width, height, rgb = crop(width, height, rgb, w, h)
    write_png(Path(argv[1]), width, height, rgb)
    print(f"{argv[1]}: {width}x{height}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
