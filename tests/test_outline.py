"""The outline (table of contents) found in a document's text: Markdown, EPUB, Aozora Bunko."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reader.queries.documents import get_document, list_documents
from reader.queries.outline import document_outline, reads_as_heading
from reader.store.db import open_index
from reader.store.indexer import Indexer

FIXTURES = Path(__file__).parent / "fixtures" / "import"

MARKDOWN = """# Peace talks: a reading guide

Intro paragraph about the talks.

## Istanbul, May 2025

Delegations met for two hours.

```
# not a heading: code
```

Geneva round
------------

Text of the Geneva round.

### Prisoner exchange ###

A thousand each.
"""

AOZORA = """停戦の記録
記録者

-------------------------------------------------------
【テキスト中に現れる記号について】

《》：ルビ
（例）交渉《こうしょう》
-------------------------------------------------------

［＃５字下げ］第一章　交渉の始まり［＃「第一章　交渉の始まり」は大見出し］

　春に交渉《こうしょう》が始まった。両国の代表が集まった。

［＃５字下げ］第二章　停戦［＃「第二章　停戦」は大見出し］

　夏には停戦が話し合われた。第一章で見たように、道は遠い。

［＃７字下げ］一［＃「一」は中見出し］

　細かな条件が並んだ。

あとがき

　以上が記録である。


底本：「停戦の記録」架空社
　　　2025（令和7）年1月1日初版発行
入力：テスト
"""


@pytest.fixture
def indexed(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "guide.md").write_text(MARKDOWN, encoding="utf-8")
    (folder / "kiroku.txt").write_text(AOZORA, encoding="utf-8")
    shutil.copy(FIXTURES / "aozora_ruby.epub", folder / "book.epub")
    db = open_index(tmp_path / "index.sqlite")
    report = Indexer(db, entities=False).index([folder])
    assert not report.errors, report.errors
    by_file = {d.file_name: get_document(db, d.id) for d in list_documents(db)}
    yield by_file
    db.conn.close()


def _titles(detail):
    return [(e.level, e.title) for e in document_outline(detail)]


def test_markdown_headings_at_their_levels_and_not_in_code(indexed):
    detail = indexed["guide.md"]
    assert _titles(detail) == [(2, "Istanbul, May 2025"), (2, "Geneva round"), (3, "Prisoner exchange")]
    for entry in document_outline(detail):   # each entry points at its line in the text
        assert entry.title in detail.text[entry.start:detail.text.find("\n", entry.start)]


def test_aozora_headings_and_sections(indexed):
    detail = indexed["kiroku.txt"]
    assert [t for _, t in _titles(detail)] == ["第一章　交渉の始まり", "第二章　停戦", "一", "あとがき"]


def test_epub_chapters(indexed):
    detail = indexed["book.epub"]
    titles = [t for _, t in _titles(detail)]
    assert titles[:3] == ["一", "二", "三"]


def test_sentences_and_page_numbers_are_not_headings():
    assert reads_as_heading("第3部 交渉")
    assert reads_as_heading("Chapter 12: Geneva")
    assert reads_as_heading("（三）")
    assert not reads_as_heading("第一章で見たように、道は遠い。")
    assert not reads_as_heading("12")
    assert not reads_as_heading("Chapter and verse of the ceasefire text were read aloud by the envoys today")
