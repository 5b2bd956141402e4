"""Saved web pages (.html, .htm, .xhtml): the article's text without the site's chrome.

The main content is found by trafilatura (a maintained extractor made for news pages and
blogs, evaluated against readability and jusText); title, date, author and site come from
the page's own metadata (JSON-LD NewsArticle, Open Graph and article: meta tags, <meta
name=author>, <time datetime>) and win over the text heuristics. Nothing on the page is
run or fetched: the page is parsed from memory with network access off, and scripts,
styles, frames and remote resources are dropped unread.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from reader.ingest.loaders import build_document, register
from reader.ingest.markup import (TextBuilder, collapse_source_breaks, decode_markup, element_text, mark_ruby_in_tree, normalise_date,
                                  parse_html, strip_ruby_marks, unmark_ruby)
from reader.ingest.model import Document, IngestError, Ruby

if TYPE_CHECKING:
    from lxml import etree


@dataclass
class PageMetadata:
    title: str | None = None
    date: str | None = None
    author: str | None = None
    site: str | None = None


@register(".html", ".htm", ".xhtml", ".shtml")
def load_html(path: Path, data: bytes) -> Document:
    html, encoding = decode_markup(data)
    root = parse_html(html)
    meta = page_metadata(root)
    readings = mark_ruby_in_tree(root)
    collapse_source_breaks(root)
    _mark_repeats(root)
    body = main_text(root).replace(_REPEAT_MARK, "")
    body, ruby = unmark_ruby(body, readings)
    if not body.strip():
        raise IngestError("This page has no article text: only navigation, scripts or forms.")
    text, shift = _with_headline(meta.title, body)
    if shift:
        ruby = [Ruby(r.start + shift, r.end + shift, r.reading) for r in ruby]
    return build_document(path, text, encoding, title=meta.title, date=meta.date, source=meta.site,
                          author=meta.author, ruby=ruby)


def _with_headline(title: str | None, body: str) -> tuple[str, int]:
    """The article text starting with its headline (extractors often leave the <h1> out).
    `body` is tidied (no leading newline), so its ruby offsets only shift by what is added."""
    if not title or body[:len(title) + 20].replace(" ", "").startswith(title.replace(" ", "")):
        return body, 0
    return f"{title}\n\n{body}", len(title) + 2


# --- Main content ----------------------------------------------------------------------

# The extractor drops a paragraph that repeats the one before it word for word (taking it for
# a page-building mistake); a page that says the same thing twice keeps both. Each repeat is
# marked, alternately once and twice, with a printable symbol no news page uses (the way ruby
# is, see reader.ingest.markup), so no two neighbours are equal; the marks are taken out again.
_REPEAT_MARK = "\U0001d001"
_PARAGRAPH_TAGS = ("p", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "td", "th")


def _mark_repeats(root: "etree._Element") -> None:
    previous, repeats = None, 0
    for element in root.iter(*_PARAGRAPH_TAGS):
        text = "".join(element.itertext()).strip()
        repeats = repeats + 1 if text and text == previous else 0
        previous = text
        if repeats:
            element.text = _REPEAT_MARK * (1 + repeats % 2) + (element.text or "")


# A page with more text than this is a document dump, not an article with a site around it:
# it is read whole, outside navigation and forms, without the extractor (made for articles,
# it takes minutes and gigabytes on a page of tens of megabytes).
EXTRACTOR_MAX_CHARS = 2_000_000

# Parts of a page that are never the article, for the fallback extraction. A <form> is
# chrome (a search box, a newsletter sign-up) unless it holds most of the page: ASP.NET
# pages wrap the whole layout, article included, in one <form>.
_CHROME_XPATH = ("//nav | //header | //footer | //aside | //menu"
                 " | //*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='complementary']")
# Class or id names of site furniture: a page without them and without semantic chrome
# elements has no boilerplate for the extractor to remove.
_CHROME_NAMES = re.compile(r"nav|menu|header|footer|sidebar|breadcrumb|banner|related|share|social|comment"
                           r"|widget|promo|advert|\bads?\b|cookie|subscribe|newsletter", re.IGNORECASE)
_FORM_CONTENT_SHARE = 0.5      # a form holding more of the page's text than this is the layout
_MAX_LINK_SHARE = 0.2          # more link text than this is a page of menus and link lists
_KEPT_SHARE = 0.9              # an extractor keeping less than this of a plain page lost content


def main_text(root: "etree._Element") -> str:
    """The article text, one paragraph a line. The tree is consumed.

    A page with no site furniture (no navigation, header, footer or aside elements, no
    class or id naming menus, sidebars, sharing or related links, little link text) has
    nothing to remove: when the extractor keeps less than 90% of its visible text there,
    the whole visible text is the document (a manual, a README)."""
    import trafilatura

    body = root.find("body")
    outside_chrome = _text_outside_chrome(body) if body is not None else ""
    if not outside_chrome.strip():
        return ""           # navigation, forms and scripts only: no article to read
    if len(outside_chrome) > EXTRACTOR_MAX_CHARS:
        return _tidy(outside_chrome)
    plain_page = _has_no_chrome(body)
    try:
        extracted = trafilatura.bare_extraction(
            root, include_comments=False, include_tables=True, include_images=False, include_links=False,
            include_formatting=False, deduplicate=False, with_metadata=False)
    except RecursionError as error:
        raise IngestError("This page is nested too deeply to read.") from error
    if extracted is None:
        text = ""
    elif isinstance(extracted, dict):      # trafilatura's older (and with as_dict) form
        text = extracted.get("text") or ""
    else:
        text = extracted.text or ""
    # Short or unusual pages (a manual, a bare list) that the extractor gives up on or cuts
    # short: all the text of the body, without navigation and forms.
    if plain_page and _letters(text) < _KEPT_SHARE * _letters(outside_chrome):
        text = outside_chrome
    return _tidy(text if text.strip() else outside_chrome)


def _text_outside_chrome(body: "etree._Element") -> str:
    """All the text of a copy of <body> without navigation, headers, footers, asides and
    forms that are not the page's layout."""
    body = _copy(body)
    for element in body.xpath(_CHROME_XPATH):
        if element.getparent() is not None:
            element.drop_tree()
    page_letters = _letters(_all_text(body))
    for form in body.xpath("//form"):
        if form.getparent() is not None and _letters(_all_text(form)) <= _FORM_CONTENT_SHARE * page_letters:
            form.drop_tree()
    builder = TextBuilder()
    builder.add_element(body)
    return builder.text()


def _has_no_chrome(body: "etree._Element") -> bool:
    """Whether the page lacks the structure of a site around an article (see main_text)."""
    if body.xpath(_CHROME_XPATH):
        return False
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        names = f"{element.get('class') or ''} {element.get('id') or ''}"
        if names.strip() and _CHROME_NAMES.search(names):
            return False
    text_letters = _letters(_all_text(body))
    link_letters = sum(_letters(_all_text(link)) for link in body.iter("a"))
    return link_letters <= _MAX_LINK_SHARE * text_letters


def _all_text(element: "etree._Element") -> str:
    return "".join(element.itertext())


_WHITE_SPACE = dict.fromkeys(c for c in range(0x3001) if chr(c).isspace())   # (all of it is below U+3001)


def _letters(text: str) -> int:
    """Characters other than white space (one copy of the text: split() would list every
    word, gigabytes for a page of tens of megabytes)."""
    return len(text.translate(_WHITE_SPACE))


def _copy(element: "etree._Element") -> "etree._Element":
    import copy
    return copy.deepcopy(element)


def _tidy(text: str) -> str:
    """Lines without leading or trailing spaces; at most one blank line between paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.strip(" \t") for line in text.split("\n")]     # (U+3000 indentation stays)
    out: list[str] = []
    for line in lines:
        if not line.strip():
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(line)
    return "\n".join(out).strip("\n")


# --- Metadata --------------------------------------------------------------------------

_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
                  "opinionnewsarticle", "backgroundnewsarticle", "reviewnewsarticle", "liveblogposting",
                  "socialmediaposting", "webpage", "report", "scholarlyarticle"}
_TITLE_SEPARATORS = re.compile(r"\s*[|｜\-–—:：/／・]\s*")


def page_metadata(root: "etree._Element") -> PageMetadata:
    """Title, date, author and site as the page states them; None where it does not."""
    meta = _meta_tags(root)
    ld = _json_ld_article(root)
    site = _first(ld.get("publisher"), meta.get("og:site_name"), meta.get("application-name"),
                  meta.get("twitter:site:name"))
    title = _first(ld.get("headline"), meta.get("og:title"), meta.get("twitter:title"), meta.get("dc.title"),
                   _headline_element(root), _title_element(root))
    date = None
    for value in (ld.get("datePublished"), meta.get("article:published_time"), meta.get("og:published_time"),
                  meta.get("datepublished"), meta.get("date"), meta.get("pubdate"), meta.get("publishdate"),
                  meta.get("dc.date"), meta.get("dc.date.issued"), meta.get("dcterms.created"),
                  meta.get("citation_publication_date"), meta.get("sailthru.date"), _time_element(root),
                  ld.get("dateCreated"), meta.get("article:modified_time"), ld.get("dateModified")):
        date = normalise_date(value)
        if date:
            break
    author = _first(meta.get("author"), ld.get("author"), _not_url(meta.get("article:author")),
                    meta.get("dc.creator"), meta.get("citation_author"), meta.get("byl"))
    if title and site:
        title = _without_site_name(title, site)
    return PageMetadata(title=title and strip_ruby_marks(title), date=date, author=author, site=site)


def _first(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, str):
            value = " ".join(value.split())
            if value:
                return value
    return None


def _not_url(value: str | None) -> str | None:
    return None if value and re.match(r"https?://", value.strip()) else value


def _meta_tags(root: "etree._Element") -> dict[str, str]:
    """<meta> content by lower-case property / name / itemprop; the first of each wins."""
    found: dict[str, str] = {}
    for element in root.iter("meta"):
        content = element.get("content")
        if content is None:
            continue
        for attribute in ("property", "name", "itemprop"):
            key = (element.get(attribute) or "").strip().lower()
            if key:
                found.setdefault(key, content)
    return found


def _json_ld_article(root: "etree._Element") -> dict[str, str]:
    """headline, datePublished, dateModified, author and publisher of the page's JSON-LD
    article (NewsArticle and kin), as strings."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text.strip().rstrip(";"), strict=False)
        except ValueError:
            continue
        for item in _json_ld_items(data):
            types = item.get("@type")
            types = types if isinstance(types, list) else [types]
            if not any(isinstance(t, str) and t.lower() in _ARTICLE_TYPES for t in types):
                continue
            result = {key: item[key] for key in ("headline", "name", "datePublished", "dateCreated", "dateModified")
                      if isinstance(item.get(key), str)}
            result.setdefault("headline", result.pop("name", None) or "")
            result["author"] = ", ".join(_names(item.get("author") or item.get("creator")))
            publisher = list(_names(item.get("publisher") or item.get("sourceOrganization")))
            result["publisher"] = publisher[0] if publisher else ""
            return result
    return {}


def _json_ld_items(data: Any, depth: int = 0) -> Iterator[dict]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _json_ld_items(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _json_ld_items(data["@graph"], depth + 1)
        if isinstance(data.get("mainEntity"), (dict, list)):
            yield from _json_ld_items(data["mainEntity"], depth + 1)


def _names(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        if value.strip() and not value.strip().startswith("http"):
            yield value.strip()
    elif isinstance(value, dict):
        if isinstance(value.get("name"), str) and value["name"].strip():
            yield value["name"].strip()
    elif isinstance(value, list):
        for item in value:
            yield from _names(item)


def _title_element(root: "etree._Element") -> str | None:
    title = root.find(".//title")
    return element_text(title) if title is not None else None


def _headline_element(root: "etree._Element") -> str | None:
    """The <h1> of the article, when the page has exactly one (else it is a site logo...)."""
    headings = root.xpath("//article//h1") or root.xpath("//h1")
    if len(headings) != 1:
        return None
    return element_text(headings[0]) or None


def _time_element(root: "etree._Element") -> str | None:
    """The publication <time datetime>: the one marked as such, else the first in the article."""
    marked = root.xpath("//time[@datetime][@itemprop='datePublished' or @pubdate or contains(@class, 'publish')]")
    candidates = marked or root.xpath("//article//time[@datetime]") or root.xpath("//time[@datetime]")
    return candidates[0].get("datetime") if candidates else None


def _without_site_name(title: str, site: str) -> str:
    """'Headline | Site' → 'Headline' (also '-', '：' and the site first)."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site_key = site.replace(" ", "").lower()
    for candidate in (parts[-1], parts[0]):
        if candidate.replace(" ", "").lower() == site_key:
            pattern = (re.escape(candidate) + r"\s*$") if candidate == parts[-1] else ("^\\s*" + re.escape(candidate))
            stripped = re.sub(pattern, "", title).strip()
            return stripped.strip(" |｜-–—:：/／・") or title
    return title
