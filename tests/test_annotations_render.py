"""Notes rendered to HTML: Markdown formatting kept, anything active or remote removed."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import markdown

import pytest

from reader.annotations.render import ALLOWED_TAGS, render_note_html


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parsed(html: str) -> list[tuple[str, dict]]:
    collector = _Collect()
    collector.feed(html)
    return collector.tags


def assert_inert(html: str) -> None:
    for tag, attrs in parsed(html):
        assert tag in ALLOWED_TAGS, tag
        assert not any(name.startswith("on") for name in attrs), attrs
        assert "src" not in attrs and "style" not in attrs or tag in ("td", "th"), attrs
        if "href" in attrs:
            assert re.match(r"(https?:|mailto:)", attrs["href"].strip(), re.I), attrs
    lowered = html.lower()
    for word in ("<script", "<style", "<iframe", "<object", "<embed", "<img", "javascript:", "vbscript:",
                 "data:text/html", "<svg", "<form", "<link", "<meta", "<base"):
        assert word not in lowered, (word, html)


def test_markdown_formatting_survives():
    html = render_note_html("**bold** _it_ `code`\n\n- one\n- two\n\n1. first\n\n> quoted\n\n"
                            "[Reuters](https://www.reuters.com/x?a=1&b=2) <mailto:a@example.com>")
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html and "<code>code</code>" in html
    assert "<ul>" in html and "<li>one</li>" in html and "<ol>" in html and "<blockquote>" in html
    assert 'href="https://www.reuters.com/x?a=1&amp;b=2"' in html
    assert_inert(html)


def test_japanese_text_and_line_breaks():
    html = render_note_html("停戦合意は**要確認**。\n次の行")
    assert "停戦合意は<strong>要確認</strong>。" in html and "<br>" in html


def test_empty_note_renders_nothing():
    assert render_note_html("") == "" and render_note_html(None) == "" and render_note_html("  \n") == ""


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src='https://tracker.example/pixel.gif'>",
    "![pixel](https://tracker.example/pixel.gif)",
    "![pixel][ref]\n\n[ref]: http://tracker.example/p.png",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "<a href='java&#115;cript:alert(1)'>x</a>",
    "<a href='jav\tascript:alert(1)'>x</a>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "<a href='https://ok.example' onclick='steal()' onmouseover=x>link</a>",
    "<p style='background:url(https://tracker.example/bg)'>styled</p>",
    "<style>body{background:url(https://tracker.example/)}</style>",
    "<iframe src='https://evil.example'></iframe>",
    "<object data='https://evil.example/x.swf'></object><embed src='https://evil.example/x.swf'>",
    "<svg onload=alert(1)><script>alert(1)</script></svg>",
    "<math><maction xlink:href='javascript:alert(1)'>x</maction></math>",
    "<form action='https://evil.example'><input name=p><button>go</button></form>",
    "<link rel=stylesheet href='https://evil.example/x.css'><meta http-equiv=refresh content='0;url=https://e.example'>",
    "<base href='https://evil.example/'>",
    "<video src=x onerror=alert(1)></video><audio src=y></audio><source src=z>",
    "<div onmouseover='alert(1)'>hover</div>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<table background='https://tracker.example/t.png'><tr><td>x</td></tr></table>",
    "[link](https://ok.example \"title\" onclick=alert(1))",
    "<a href=\"https://ok.example\" target=_blank>new window</a>",
])
def test_hostile_notes_are_made_inert(hostile):
    html = render_note_html(f"before\n\n{hostile}\n\nafter")
    assert_inert(html)
    assert "before" in html and "after" in html


def test_remote_images_become_their_alt_text():
    html = render_note_html("see ![the chart](https://example.com/chart.png) here")
    assert "the chart" in html and "chart.png" not in html and "<img" not in html


def test_links_stay_plain_anchors():
    html = render_note_html("[BBC](https://www.bbc.co.uk/news) and [local](file:///etc/passwd) and [rel](notes.md)")
    anchors = [attrs for tag, attrs in parsed(html) if tag == "a"]
    assert anchors[0]["href"] == "https://www.bbc.co.uk/news"
    assert all("href" not in a for a in anchors[1:])
    assert all(set(a) <= {"href", "title", "rel"} for a in anchors)


def test_code_is_shown_not_run():
    html = render_note_html("```\n<script>alert(1)</script>\n```")
    assert "&lt;script&gt;" in html and "<script" not in html


def _lines_run_in_markdown(text: str) -> int:
    """How many lines of the `markdown` package run to render `text`: a measure of work that,
    unlike time, is the same on every machine."""
    import sys

    import markdown as markdown_package

    package = str(Path(markdown_package.__file__).parent)
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if not frame.f_code.co_filename.startswith(package):
            return None
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        render_note_html(text)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize("unit", ["[", "![", "[x](", "[a](<", "[[x]](", ">"])
def test_the_preview_work_grows_linearly_with_a_pasted_run_of_brackets(unit):
    """8,000 `[` took 6.5 s and 100,000 over 800 s: the link scan was quadratic."""
    small = _lines_run_in_markdown(unit * 300)
    large = _lines_run_in_markdown(unit * 1200)
    assert large < 6 * small, (small, large)   # 4× the text: about 4× the work, not 16×


@pytest.mark.parametrize("note", [
    "[a](https://a.example) and [b [nested] c](https://b.example \"title\") and ![img](x.png)",
    "[ref][1] and [short] and [unclosed [x](https://c.example)\n\n[1]: https://d.example\n[short]: https://e.example",
    "[x](https://f.example/(paren)) [y](<https://g.example/a b>) [z](https://h.example 'single')",
    "\\[not a link](https://i.example) [" + "[" * 50 + "deep" + "]" * 50 + "](https://j.example)",
])
def test_bounded_links_render_as_the_markdown_package_does(note):
    from reader.annotations.render import _EXTENSIONS, _ImagesAsText, sanitise_html

    plain = sanitise_html(markdown.markdown(note, extensions=[*_EXTENSIONS, _ImagesAsText()], output_format="html"))
    assert render_note_html(note) == plain


def test_a_very_long_note_is_previewed_up_to_the_limit():
    from reader.annotations.render import MAX_PREVIEW_CHARS

    html = render_note_html("word " * (MAX_PREVIEW_CHARS // 2))
    assert "The preview stops here" in html and html.count("word") <= MAX_PREVIEW_CHARS // 5 + 1


def test_deeply_nested_quotes_are_shown_at_a_bounded_depth():
    from reader.annotations.render import MAX_QUOTE_DEPTH

    html = render_note_html(">" * 5000 + " deep\n\n> > shallow")
    assert html.count("<blockquote>") == MAX_QUOTE_DEPTH and "deep" in html and "shallow" in html
