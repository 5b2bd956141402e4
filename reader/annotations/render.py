"""A note's Markdown as HTML that is safe to show: no scripts, no event handlers, no remote loads.

Markdown passes raw HTML through, so the HTML it makes is cleaned with an
allow-list (nh3, the Ammonia sanitiser): only text-formatting tags survive, with
no attributes but a link's `href` (http, https or mailto only) and `title`, a
list's `start` and a table cell's alignment. `<script>`, `<style>`, `<iframe>`,
`<object>`, `<embed>` and their like go with their content. Images are never
loaded: a Markdown image becomes its alt text, a raw `<img>` disappears.

Rendering is bounded, since it runs as the user types: the `markdown` package finds
a link's closing bracket by scanning forward from every `[`, which is quadratic (8,000
`[` took 6.5 s); here the brackets are matched once per text, in linear time, with the
same result. Quotes nest at most MAX_QUOTE_DEPTH deep, and a note longer than
MAX_PREVIEW_CHARS is previewed up to that length.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from functools import lru_cache

import markdown
import nh3
from markdown.extensions import Extension
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.treeprocessors import Treeprocessor

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "kbd", "samp",
    "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "abbr", "q", "cite",
    "ul", "ol", "li", "dl", "dt", "dd", "a", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
}
# Dropped with everything inside them (the rest of the unknown tags lose only the tag).
DROPPED_WITH_CONTENT = {
    "script", "style", "iframe", "object", "embed", "noscript", "noembed", "noframes", "template", "xmp",
    "title", "textarea", "select", "svg", "math", "frameset", "frame", "applet",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}, "th": {"align", "style"},
                      "td": {"align", "style"}}
LINK_SCHEMES = ("http://", "https://", "mailto:")

_EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]
MAX_PREVIEW_CHARS = 100_000   # a longer note is previewed up to here (the note itself is kept whole)
MAX_LINK_CHARS = 2_000        # a link's (url "title") longer than this is shown as text
MAX_QUOTE_DEPTH = 16          # deeper `> > >` quotes are shown at this depth (each level is a pass)
_DEEP_QUOTE = re.compile(rf"^((?:[ ]{{0,3}}>[ ]?){{{MAX_QUOTE_DEPTH}}})(?:[ ]{{0,3}}>[ ]?)+", re.MULTILINE)
PREVIEW_CUT = "\n\n*(The preview stops here: the note is longer than {:,} characters.)*"


def render_note_html(markdown_text: str | None) -> str:
    """The note rendered with the `markdown` package and sanitised; '' for no note."""
    if not markdown_text or not markdown_text.strip():
        return ""
    if len(markdown_text) > MAX_PREVIEW_CHARS:
        markdown_text = markdown_text[:MAX_PREVIEW_CHARS] + PREVIEW_CUT.format(MAX_PREVIEW_CHARS)
    markdown_text = _DEEP_QUOTE.sub(r"\1", markdown_text)
    html = markdown.markdown(markdown_text, extensions=[*_EXTENSIONS, _ImagesAsText(), _LinearBrackets()],
                             output_format="html")
    return sanitise_html(html)


def sanitise_html(html: str) -> str:
    """Keep only the allow-listed tags and attributes; links only to http(s) and mailto."""
    return nh3.clean(html, tags=ALLOWED_TAGS, clean_content_tags=DROPPED_WITH_CONTENT,
                     attributes=ALLOWED_ATTRIBUTES, attribute_filter=_attribute_filter, strip_comments=True,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer",
                     filter_style_properties={"text-align"})


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        return value if value.strip().lower().startswith(LINK_SCHEMES) else None
    if attribute in ("align",):
        return value if value.lower() in ("left", "right", "center") else None
    if attribute == "start":
        return value if value.isdigit() else None
    return value


class _ImagesToText(Treeprocessor):
    """`![alt](url)` → its alt text: a note never makes the reader load anything."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for child in [c for c in parent if c.tag == "img"]:
                text = (child.get("alt") or "") + (child.tail or "")
                position = list(parent).index(child)
                parent.remove(child)
                if position == 0:
                    parent.text = (parent.text or "") + text
                else:
                    previous = parent[position - 1]
                    previous.tail = (previous.tail or "") + text
        return None


class _ImagesAsText(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_ImagesToText(md), "reader_images_to_text", 5)  # after inline


@lru_cache(maxsize=8)
def _closing_brackets(data: str) -> dict[int, int]:
    """For each `[` in `data`, the index of the `]` that closes it (nested pairs counted), in
    one pass. Cached: the link processors ask about every `[` of the same text."""
    closing: dict[int, int] = {}
    opened: list[int] = []
    for index, char in enumerate(data):
        if char == "[":
            opened.append(index)
        elif char == "]" and opened:
            closing[opened.pop()] = index
    return closing


class _LinearBracketsMixin(LinkInlineProcessor):
    """The link and image processors' scans, bounded: `getText` from the brackets matched
    once; `getLink` (the `(url "title")` part) sees at most MAX_LINK_CHARS characters."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        end = _closing_brackets(data).get(index - 1)   # the `[` just before `index`
        if end is None:
            return "", len(data), False
        return data[index:end], end + 1, True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        window = data[index:index + MAX_LINK_CHARS]
        if ")" not in window:  # no link can close here: say so without the character-by-character scan
            return "", None, index, False
        href, title, end, handled = super().getLink(window, 0)
        return href, title, index + end, handled


class _LinearBrackets(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Registry keeps (name, priority) pairs; re-registering a name replaces its processor.
        for name, priority in list(md.inlinePatterns._priority):
            processor = md.inlinePatterns[name]
            if isinstance(processor, LinkInlineProcessor) and not isinstance(processor, _LinearBracketsMixin):
                bounded = type(f"Linear{type(processor).__name__}", (_LinearBracketsMixin, type(processor)), {})
                md.inlinePatterns.register(bounded(processor.pattern, md), name, priority)
