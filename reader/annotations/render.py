"""A note's Markdown as HTML that is safe to show: no scripts, no event handlers, no remote loads.

Markdown passes raw HTML through, so the HTML it makes is cleaned with an
allow-list (nh3, the Ammonia sanitiser): only text-formatting tags survive, with
no attributes but a link's `href` (http, https or mailto only) and `title`, a
list's `start` and a table cell's alignment. `<script>`, `<style>`, `<iframe>`,
`<object>`, `<embed>` and their like go with their content. Images are never
loaded: a Markdown image becomes its alt text, a raw `<img>` disappears.
"""
from __future__ import annotations

import xml.etree.ElementTree as etree

import markdown
import nh3
from markdown.extensions import Extension
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


def render_note_html(markdown_text: str | None) -> str:
    """The note rendered with the `markdown` package and sanitised; '' for no note."""
    if not markdown_text or not markdown_text.strip():
        return ""
    html = markdown.markdown(markdown_text, extensions=[*_EXTENSIONS, _ImagesAsText()], output_format="html")
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
