"""EPUB books (.epub): the chapters in reading order, with ruby kept aside.

An EPUB is a ZIP archive: META-INF/container.xml names the package document (OPF), whose
spine lists the content documents in reading order. Each XHTML chapter becomes paragraphs
(one a line, chapters separated by a blank line); ``<rt>`` readings leave the text and
become ``Document.ruby`` over their base text, and ``<rp>`` parentheses are dropped.
Title, author, date and publisher come from the OPF's Dublin Core metadata.

The archive is read in memory and checked before anything is decompressed: a damaged or
truncated ZIP, a ZIP bomb (more than 200 MB unpacked, or the archive or a member packed
more than 100 to 1), or a book whose chapters are encrypted (DRM) is refused with a message. Parsing uses
no DTDs, external entities or network.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urldefrag

from reader.ingest.loaders import build_document, register
from reader.ingest.markup import TextBuilder, element_text, local_name, normalise_date, parse_xhtml
from reader.ingest.model import Document, IngestError

if TYPE_CHECKING:
    from lxml import etree

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
_RATIO_CHECK_FROM_BYTES = 1024 * 1024     # tiny members (padding, empty files) compress absurdly well
MAX_MEMBERS = 20_000
_XHTML_TYPES = {"application/xhtml+xml", "text/html", "application/x-dtbook+xml", "text/x-oeb1-document"}
_FONT_OBFUSCATION = {"http://www.idpf.org/2008/embedding", "http://ns.adobe.com/pdf/enc#RC"}


@dataclass
class _Package:
    title: str | None
    author: str | None
    date: str | None
    publisher: str | None
    chapters: list[str]          # archive paths of the content documents, in reading order


@register(".epub")
def load_epub(path: Path, data: bytes) -> Document:
    archive = open_archive(data)
    with archive:
        package = _read_package(archive)
        _refuse_drm(archive, package.chapters)
        builder = TextBuilder()
        for chapter in package.chapters:
            builder.section()
            root = parse_xhtml(_read_member(archive, chapter))
            body = next((e for e in root.iter() if local_name(e) == "body"), root)
            builder.add_element(body)
    text = builder.text()
    if not text.strip():
        raise IngestError("This EPUB has no text in its chapters.")
    return build_document(path, text, "utf-8", title=package.title, author=package.author, date=package.date,
                          source=package.publisher, ruby=builder.ruby)


def open_archive(data: bytes) -> zipfile.ZipFile:
    """The ZIP archive, after checking it is whole and no bomb. Raises IngestError."""
    if not data:
        raise IngestError("The file is empty.")
    if not data.startswith(b"PK"):
        raise IngestError("This is not an EPUB book: the file is not a ZIP archive, as every EPUB is.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError) as error:
        raise IngestError("This EPUB is damaged or incomplete (the ZIP archive cannot be read: "
                          f"{error}). It may have been cut short while downloading or copying.") from error
    if len(members) > MAX_MEMBERS:
        raise IngestError(f"This EPUB has {len(members):,} files inside; Reader refuses archives with "
                          f"more than {MAX_MEMBERS:,} (a ZIP bomb?).")
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise IngestError(f"This EPUB would unpack to {unpacked / 1024 / 1024:,.0f} MB; Reader refuses "
                          f"archives over {MAX_UNPACKED_BYTES // 1024 // 1024} MB (a ZIP bomb?).")
    packed = sum(member.compress_size for member in members)
    if unpacked >= _RATIO_CHECK_FROM_BYTES and unpacked > MAX_COMPRESSION_RATIO * max(packed, 1):
        # (many members, each too small for the check below, can add up to a bomb)
        raise IngestError(f"This EPUB would unpack {unpacked // max(packed, 1):,} to 1 as a whole; Reader refuses "
                          f"archives packed more than {MAX_COMPRESSION_RATIO} to 1 (a ZIP bomb?).")
    for member in members:
        if member.file_size >= _RATIO_CHECK_FROM_BYTES and \
                member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise IngestError(f"This EPUB contains {member.filename!r}, packed {member.file_size // max(member.compress_size, 1):,} "
                              f"to 1; Reader refuses members packed more than {MAX_COMPRESSION_RATIO} to 1 (a ZIP bomb?).")
    _read_unflagged_names_as_utf8(archive)
    return archive


_UTF8_NAME_FLAG = 0x800


def _read_unflagged_names_as_utf8(archive: zipfile.ZipFile) -> None:
    """Member names written in UTF-8 without the ZIP's UTF-8 flag (Info-ZIP's `zip` does
    this) are read by Python as cp437, into noise for "表紙.xhtml", so
    the manifest's hrefs would not find them. Such names are read as UTF-8 when their bytes
    are valid UTF-8; names in other encodings stay as they were."""
    renamed = False
    for info in archive.infolist():
        if info.flag_bits & _UTF8_NAME_FLAG or info.filename.isascii():
            continue
        try:
            name = info.filename.encode("cp437").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        info.filename, renamed = name, True
    if renamed:
        archive.NameToInfo = {info.filename: info for info in archive.infolist()}


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    """One member's bytes, never more than its declared size (checked above)."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise IngestError(f"This EPUB is incomplete: {name!r} is listed but missing.") from None
    try:
        with archive.open(info) as member:
            data = member.read(info.file_size + 1)
    except RuntimeError as error:      # a password-protected ZIP member
        raise IngestError(f"This EPUB is encrypted ({error}).") from error
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, ValueError) as error:
        raise IngestError(f"This EPUB is damaged: {name!r} cannot be unpacked ({error}).") from error
    if len(data) > info.file_size:
        raise IngestError(f"This EPUB is damaged: {name!r} is larger than it says (a ZIP bomb?).")
    return data


def _parse_xml(data: bytes, what: str) -> "etree._Element":
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                             remove_comments=True, remove_pis=True, recover=False)
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        raise IngestError(f"This EPUB is damaged: its {what} is not valid XML ({error}).") from error


def _children(element: "etree._Element", name: str) -> list["etree._Element"]:
    """Descendants with this local name (any namespace, any case)."""
    name = name.lower()
    return [child for child in element.iter() if local_name(child) == name]


def _read_package(archive: zipfile.ZipFile) -> _Package:
    names = set(archive.namelist())
    opf_path = None
    if "META-INF/container.xml" in names:
        container = _parse_xml(_read_member(archive, "META-INF/container.xml"), "container.xml")
        rootfiles = [r.get("full-path") for r in _children(container, "rootfile") if r.get("full-path")]
        opf_path = next((p for p in rootfiles if p in names), None)
    if opf_path is None:                      # no or broken container.xml: the first package document
        opf_path = next((n for n in sorted(names) if n.lower().endswith(".opf")), None)
    if opf_path is None:
        raise IngestError("This is not an EPUB book: it has no package document (content.opf).")
    opf = _parse_xml(_read_member(archive, opf_path), "package document")
    base = posixpath.dirname(opf_path)

    manifest: dict[str, tuple[str, str, str]] = {}
    for item in _children(opf, "item"):
        href, item_id = item.get("href"), item.get("id")
        if href and item_id:
            full = posixpath.normpath(posixpath.join(base, unquote(urldefrag(href)[0])))
            manifest[item_id] = (full, (item.get("media-type") or "").lower(), item.get("properties") or "")
    chapters: list[str] = []
    for itemref in _children(opf, "itemref"):
        entry = manifest.get(itemref.get("idref") or "")
        if entry is None or itemref.get("linear", "yes").lower() == "no":
            continue           # auxiliary content (notes, the table of contents) is not the reading order
        full, media_type, properties = entry
        if (media_type in _XHTML_TYPES or full.lower().endswith((".xhtml", ".html", ".htm"))) \
                and "nav" not in properties.split() and full not in chapters:
            chapters.append(full)
    if not chapters:
        raise IngestError("This EPUB has no chapters in its reading order (spine).")

    def first(name: str) -> str | None:
        for element in _children(opf, name):
            value = element_text(element)
            if value:
                return value
        return None

    creators = [element_text(e) for e in _children(opf, "creator") if element_text(e)]
    date = None
    for element in _children(opf, "date"):
        event = element.get("{http://www.idpf.org/2007/opf}event") or ""
        if event in ("", "publication", "original-publication"):
            date = normalise_date(element_text(element))
            if date:
                break
    return _Package(title=first("title"), author=", ".join(creators) or None, date=date,
                    publisher=first("publisher"), chapters=chapters)


def _refuse_drm(archive: zipfile.ZipFile, chapters: list[str]) -> None:
    """Chapters listed in META-INF/encryption.xml (other than obfuscated fonts) are DRM."""
    if "META-INF/encryption.xml" not in archive.namelist():
        return
    encryption = _parse_xml(_read_member(archive, "META-INF/encryption.xml"), "encryption.xml")
    encrypted = set()
    for data in _children(encryption, "EncryptedData"):
        method = next((e.get("Algorithm") for e in _children(data, "EncryptionMethod")), "")
        reference = next((e.get("URI") for e in _children(data, "CipherReference")), None)
        if reference and method not in _FONT_OBFUSCATION:
            encrypted.add(posixpath.normpath(unquote(reference)))
    if encrypted & set(chapters):
        raise IngestError("This EPUB is protected by DRM (its chapters are encrypted); Reader can only "
                          "read books without it.")
