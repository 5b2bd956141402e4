"""Small generated hostile files (PDF reference loops and fan-out bombs, huge one-line text
and HTML, EPUB bombs, deep nesting), shared by the tests and bench/bench_hostile.py.

Each builder returns bytes; sizes are parameters so the tests stay small while the bench
can use the sizes that once swamped memory.
"""
from __future__ import annotations

import io
import zipfile
import zlib

PAGE_TEXT = "Peace talks resumed in Istanbul on Monday."


def pdf(objects: dict[int, bytes], root: int = 1, info: int | None = None, *, broken_xref: bool = False) -> bytes:
    """A PDF of numbered objects (bodies without "obj"/"endobj"), with a correct xref table
    (or, with `broken_xref`, one whose offsets all point to the wrong place)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n")
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        offset = offsets.get(number, 0) + (7 if broken_xref else 0)
        out.write(b"%010d 00000 n \n" % offset if number in offsets else b"0000000000 65535 f \n")
    trailer = b"<< /Size %d /Root %d 0 R" % (size, root)
    if info is not None:
        trailer += b" /Info %d 0 R" % info
    out.write(b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _stream(data: bytes, extra: bytes = b"", compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _text_content(text: str = PAGE_TEXT) -> bytes:
    return b"BT /F1 12 Tf 72 720 Td (" + text.encode("latin-1") + b") Tj ET"


def _text_pdf_objects(resources: bytes = b"<< /Font << /F1 5 0 R >> >>", media_box: bytes = b"[0 0 612 792]",
                      root_extra: bytes = b"", pages_extra: bytes = b"") -> dict[int, bytes]:
    return {
        1: b"<< /Type /Catalog /Pages 2 0 R" + root_extra + b" >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1" + pages_extra + b" >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox " + media_box + b" /Resources " + resources
           + b" /Contents 4 0 R >>",
        4: _stream(_text_content()),
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }


def text_pdf() -> bytes:
    """A plain one-page PDF with a line of text: the control case."""
    return pdf(_text_pdf_objects())


def pdf_info_self_loop() -> bytes:
    """/Info is 6 0 R and object 6 is `6 0 R`."""
    objects = _text_pdf_objects()
    objects[6] = b"6 0 R"
    return pdf(objects, info=6)


def pdf_info_two_object_cycle() -> bytes:
    objects = _text_pdf_objects()
    objects[6] = b"7 0 R"
    objects[7] = b"6 0 R"
    return pdf(objects, info=6)


def pdf_media_box_loop() -> bytes:
    objects = _text_pdf_objects(media_box=b"8 0 R")
    objects[8] = b"9 0 R"
    objects[9] = b"8 0 R"
    return pdf(objects)


def pdf_resources_self_reference() -> bytes:
    objects = _text_pdf_objects(resources=b"10 0 R")
    objects[10] = b"10 0 R"
    return pdf(objects)


def pdf_root_self_reference() -> bytes:
    """The catalog's /Pages is the catalog itself, and a page's parent chain loops."""
    objects = _text_pdf_objects(root_extra=b" /Self 1 0 R")
    objects[1] = b"<< /Type /Catalog /Pages 1 0 R >>"
    return pdf(objects)


def pdf_root_reference_loop() -> bytes:
    """The trailer's /Root is object 11, which is `11 0 R`: no catalog, only a circle."""
    objects = _text_pdf_objects()
    objects[11] = b"11 0 R"
    return pdf(objects, root=11)


def pdf_pages_tree_loop() -> bytes:
    """A page tree whose node lists itself among its kids."""
    objects = _text_pdf_objects()
    objects[2] = b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>"
    return pdf(objects)


def pdf_xobject_fan_out(levels: int = 22, leaf: str = "x", pages: int = 1) -> bytes:
    """Form XObjects that each draw the previous one twice: 2**levels drawings of `leaf`, on
    each of `pages` pages."""
    objects = _text_pdf_objects()
    first = 20
    objects[first] = _stream(_text_content(leaf), b" /Type /XObject /Subtype /Form /BBox [0 0 612 792]"
                                                 b" /Resources << /Font << /F1 5 0 R >> >>")
    for level in range(1, levels + 1):
        number = first + level
        objects[number] = _stream(b"/X Do /X Do", b" /Type /XObject /Subtype /Form /BBox [0 0 612 792]"
                                                  b" /Resources << /XObject << /X %d 0 R >> >>" % (number - 1))
    objects[3] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >>"
                  b" /XObject << /Top %d 0 R >> >> /Contents 4 0 R >>" % (first + levels))
    objects[4] = _stream(_text_content() + b" /Top Do")
    if pages > 1:
        kids = [3] + list(range(first + levels + 1, first + levels + pages))
        for number in kids[1:]:
            objects[number] = objects[3]
        objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), pages)
    return pdf(objects)


def pdf_inflating_stream(inflated_bytes: int) -> bytes:
    """A page whose content stream inflates from a few hundred KB to `inflated_bytes` of spaces."""
    objects = _text_pdf_objects()
    compressor = zlib.compressobj(9)
    packed = compressor.compress(_text_content()) + b"".join(
        compressor.compress(b" " * (1024 * 1024)) for _ in range(inflated_bytes // (1024 * 1024)))
    packed += compressor.flush()
    objects[4] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"
    return pdf(objects)


def pdf_broken_xref_with_text() -> bytes:
    return pdf(_text_pdf_objects(), broken_xref=True)


# --- Text and HTML ---------------------------------------------------------------------------

def one_line_text(size: int) -> bytes:
    words = "peace talks resumed in istanbul on monday with both delegations present "
    return (words * (size // len(words) + 1)).encode("ascii")[:size]


def one_line_html(size: int) -> bytes:
    head = b"<html><head><title>Long</title></head><body><p>"
    body = one_line_text(size - len(head) - 20)
    return head + body + b"</p></body></html>"


def deeply_nested_html(depth: int, words: int = 40) -> bytes:
    """Text before, inside and after `depth` nested <div>s."""
    before = "<p>Before the nesting the delegations met in Istanbul.</p>"
    inner = " ".join(f"inner{i}" for i in range(words))
    after = "<p>After the nesting the talks went on until late at night.</p>"
    return (f"<html><body>{before}" + "<div>" * depth + f"<p>{inner}</p>" + "</div>" * depth
            + f"{after}</body></html>").encode("ascii")


def huge_text_node_html(size: int) -> bytes:
    node = one_line_text(size).decode("ascii")
    return (f"<html><body><p>First paragraph of the article.</p><p>{node}</p>"
            "<p>Last paragraph after the long one.</p></body></html>").encode("ascii")


def repeated_paragraphs_html(count: int = 100) -> bytes:
    paragraph = "<p>The ceasefire holds along the whole front line this week.</p>"
    return ("<html><body><article>" + paragraph * count + "</article></body></html>").encode("ascii")


# --- EPUB --------------------------------------------------------------------------------------

def epub(chapters: dict[str, bytes], extra: dict[str, bytes] | None = None, *, level: int = 6) -> bytes:
    """An EPUB with the given XHTML chapters in its spine, and other members beside them."""
    manifest = "".join(f'<item id="c{i}" href="{name}" media-type="application/xhtml+xml"/>'
                       for i, name in enumerate(chapters))
    spine = "".join(f'<itemref idref="c{i}"/>' for i in range(len(chapters)))
    opf = ('<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
           '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Book</dc:title></metadata>'
           f"<manifest>{manifest}</manifest><spine>{spine}</spine></package>")
    container = ('<?xml version="1.0"?><container xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
                 'version="1.0"><rootfiles><rootfile full-path="OEBPS/content.opf" '
                 'media-type="application/oebps-package+xml"/></rootfiles></container>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", container)
        archive.writestr("OEBPS/content.opf", opf)
        for name, data in chapters.items():
            archive.writestr(f"OEBPS/{name}", data)
        for name, data in (extra or {}).items():
            archive.writestr(f"OEBPS/{name}", data)
    return buffer.getvalue()


def xhtml(body: str, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>{doctype}<html xmlns="http://www.w3.org/1999/xhtml">'
            f"<head><title>c</title></head><body>{body}</body></html>").encode("utf-8")


def epub_many_padded_members(members: int, member_bytes: int) -> bytes:
    """`members` chapters, each just under the per-member ratio check: text then padding."""
    chapter = xhtml("<p>Chapter text about the talks.</p>")
    padding = b" " * (member_bytes - len(chapter))
    body = chapter.replace(b"</body>", padding + b"</body>")
    return epub({f"c{i}.xhtml": body for i in range(members)})


def epub_deep_chapter(depth: int) -> bytes:
    body = ("<p>First paragraph of the chapter.</p>" + "<div>" * depth + "<p>Deep inside the chapter.</p>"
            + "</div>" * depth + "<p>Last paragraph of the chapter.</p>")
    return epub({"c.xhtml": xhtml(body)})


def epub_with_internal_subset() -> bytes:
    doctype = '<!DOCTYPE html [ <!ENTITY company "Reuters"> ]>'
    return epub({"c.xhtml": xhtml("<p>Talks resumed &amp; went on.</p>", doctype)})
