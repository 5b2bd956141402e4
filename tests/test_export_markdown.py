"""Markdown export: the format round-trips, renders, is deterministic, atomic and safely named."""
from __future__ import annotations

import errno
import html
import json
import os
import re
import subprocess
import sys
import unicodedata

import markdown
import pytest
from annotations_support import copy_index, document
from conftest import REPO

from reader.annotations import markdown_export
from reader.annotations.files import ExportError, safe_filename
from reader.annotations.markdown_export import ExportOptions, export_markdown, tag_name, write_export
from reader.annotations.service import Annotations
from reader.queries.entities import document_mentions

RUSSIA = "000_60ad3fcb420e1d94.txt"
WITKOFF = "004_7ebdf0c8330a0b12.txt"
TRUCE = "002_6c9cfde7eb9d63d6.txt"

# (file, quote, note, tags, colour): notes the way an analyst writes them.
SAMPLE = [
    (RUSSIA, "ロシアの財政赤字がなんと6兆ルーブル",
     "財政赤字の規模。\n\n- 出典: [Reuters](https://www.reuters.com/world/)\n- 要確認", ["finance", "russia economy"],
     "pink"),
    (RUSSIA, "ロシア産原油の収入が、2025年11月には前年比で35%も減少", "> [!note] 数字\n> 前年比35%減、要検証",
     ["oil"], "yellow"),
    (WITKOFF, "Witkoff in Moscow: Is Kiev still at the table or on the menu?",
     "RT's headline — note the *Kiev* spelling.\n\n```\nunclosed fence", ["headline", "spelling"], "blue"),
    (TRUCE, "この30日間の停戦案をロシアが拒否した", "", ["ceasefire"], "green"),
]


def add_sample(library) -> list:
    notes = Annotations(library)
    made = []
    for file_name, quote, note, tags, colour in SAMPLE:
        doc_id, _, text = document(library, file_name)
        start = text.index(quote)
        made.append(notes.create(doc_id, start, start + len(quote), note=note, tags=tags, colour=colour))
    return made


def add_orphan(library):
    notes = Annotations(library)
    doc_id, _, text = document(library, RUSSIA)
    start = text.index("中国はロシアから")
    made = notes.create(doc_id, start, start + 15, note="a note on text that was **deleted**", tags=["lost"])
    orphan = made.with_changes(status="orphaned", cur_start=None, cur_end=None, doc_key="f" * 64,
                               file_name="deleted-article.txt")
    notes.user.set_anchors([orphan])
    return orphan


def front_matter(text: str) -> dict:
    assert text.startswith("---\n")
    block = text[4:text.index("\n---\n", 4)]
    return {key: json.loads(value) for key, value in (line.split(": ", 1) for line in block.split("\n"))}


def unescape(line: str) -> str:
    return html.unescape(re.sub(r"\\(.)", r"\1", line))


def parse_annotations(text: str) -> dict[str, dict]:
    """Block id → quote, note lines, tags and links, read back from the exported Markdown."""
    lines = text.split("\n")
    ids = [i for i, line in enumerate(lines) if re.fullmatch(r"\^[0-9a-f]{8}", line)]

    def quote_start(id_line: int) -> int:
        j = id_line - 2
        while j >= 0 and lines[j].startswith(">"):
            j -= 1
        return j + 1

    found = {}
    for n, i in enumerate(ids):
        quote = [unescape(line[2:]) for line in lines[quote_start(i):i - 1]]
        end = quote_start(ids[n + 1]) if n + 1 < len(ids) else len(lines)
        body = []
        for line in lines[i + 2:end]:
            if line.startswith("# ") or line.startswith("## "):
                break
            body.append(line)
        tags = [t for line in body if re.fullmatch(r"(#\S+ ?)+", line) for t in line.split()]
        links = [m for line in body for m in re.findall(r"\[\[([^\]]+)\]\]", line)]
        found[lines[i][1:]] = {"quote": "\n".join(quote), "body": "\n".join(body), "tags": tags, "links": links}
    return found


def entity_names_in(library, file_name: str, start: int, end: int) -> list[str]:
    doc_id, _, _ = document(library, file_name)
    names = {}
    for m in document_mentions(library.db, doc_id):
        if m.start < end and m.end > start and m.entity_id and m.label not in markdown_export.UNLINKED_LABELS:
            name = library.db.execute("SELECT name FROM entities WHERE id = ?", [m.entity_id]).fetchone()[0]
            names.setdefault(markdown_export._link_target(name), None)
    return list(names)


def test_export_reads_back_quotes_notes_tags_ids_and_links(library):
    made = add_sample(library)
    orphan = add_orphan(library)
    text = export_markdown(library)["Reader notes.md"]
    meta = front_matter(text)
    assert meta["title"] == "Reader notes" and meta["annotations"] == 5 and meta["documents"] == 3
    assert meta["tags"] == ["ceasefire", "finance", "headline", "lost", "oil", "russia-economy", "spelling"]
    assert meta["exported"] == max(a.modified for a in [*made, orphan])
    parsed = parse_annotations(text)
    assert set(parsed) == {a.block_id for a in [*made, orphan]}
    for a, (file_name, quote, note, tags, _) in zip(made, SAMPLE):
        entry = parsed[a.block_id]
        assert entry["quote"] == quote
        assert note.split("\n")[0] in entry["body"]            # the note as written, not escaped
        assert entry["tags"] == ["#" + tag_name(t) for t in tags]
        assert entry["links"] == entity_names_in(library, file_name, a.cur_start, a.cur_end)
    assert "[Reuters](https://www.reuters.com/world/)" in text and "> [!note] 数字" in text
    assert any(parsed[a.block_id]["links"] for a in made)      # the seeds do have entities in these quotes
    # Text order within a document, documents newest first, orphans last.
    assert text.index(made[0].block_id) < text.index(made[1].block_id)
    assert text.index(made[2].block_id) < text.index(made[0].block_id) < text.index(made[3].block_id)
    orphans_at = text.index("\n# Orphaned notes\n")
    assert text.index(orphan.block_id) > orphans_at > text.index(made[3].block_id)
    assert parsed[orphan.block_id]["quote"] == orphan.exact and "deleted-article.txt" in parsed[orphan.block_id]["body"]


def test_exported_markdown_renders_with_the_notes_intact(library):
    add_sample(library)
    add_orphan(library)
    text = export_markdown(library)["Reader notes.md"]
    rendered = markdown.markdown(text, extensions=["fenced_code", "tables", "sane_lists"])
    assert '<a href="https://www.reuters.com/world/">Reuters</a>' in rendered
    assert "<li>要確認</li>" in rendered
    assert "<blockquote>" in rendered and "Witkoff in Moscow: Is Kiev still at the table" in rendered
    # The unclosed fence in a note was closed: what follows is still Markdown, not code.
    assert "<h1>Orphaned notes</h1>" in rendered


def test_document_text_in_a_quote_is_shown_literally():
    tricky = ("# not a heading *not bold* [not](a link) <b>not html</b> $5 == 5% ~~x~~ &amp; 1. item\n"
              "- dash ^abc\n1. one\n>quoted")
    lines = markdown_export._blockquote([(tricky, False)])
    rendered = markdown.markdown("\n".join(lines))
    for made_into_markup in ("<h1>", "<strong>", "<em>", "<a ", "<b>", "<li>", "<ol>", "<ul>", "<del>"):
        assert made_into_markup not in rendered
    assert [unescape(line[2:]) for line in lines] == tricky.split("\n")


def test_context_sentence_marks_the_quote_inside_its_sentence(library):
    made = add_sample(library)
    text = export_markdown(library, options=ExportOptions(context="sentence"))["Reader notes.md"]
    entry = parse_annotations(text)[made[0].block_id]
    assert "==ロシアの財政赤字がなんと6兆ルーブル==" in entry["quote"]
    assert len(entry["quote"]) > len(SAMPLE[0][1]) + 4


def test_no_links_option(library):
    add_sample(library)
    assert "[[" not in export_markdown(library, options=ExportOptions(links=False))["Reader notes.md"]


def test_only_chosen_documents(library):
    made = add_sample(library)
    text = export_markdown(library, [RUSSIA])["Reader notes.md"]
    assert made[0].block_id in text and made[2].block_id not in text and made[3].block_id not in text
    assert front_matter(text)["documents"] == 1


def test_same_notes_give_the_same_bytes_and_a_change_changes_them(library, tmp_path):
    made = add_sample(library)
    first = export_markdown(library)
    assert export_markdown(library) == first
    out = tmp_path / "out.md"
    write_export(first, out)
    before = out.read_bytes()
    write_export(export_markdown(library), out)
    assert out.read_bytes() == before
    Annotations(library).update(made[0].uuid, note="changed")
    again = export_markdown(library)["Reader notes.md"]
    assert again != first["Reader notes.md"]
    assert front_matter(again)["exported"] > front_matter(first["Reader notes.md"])["exported"]
    fixed = export_markdown(library, options=ExportOptions(exported="2025-12-01"))["Reader notes.md"]
    assert front_matter(fixed)["exported"] == "2025-12-01"


def test_re_export_replaces_the_file_and_leaves_no_temporary_files(library, tmp_path):
    add_sample(library)
    out_dir = tmp_path / "vault"
    out_dir.mkdir()
    (out_dir / "Reader notes.md").write_text("old content that is longer than nothing " * 100, encoding="utf-8")
    files = export_markdown(library)
    assert write_export(files, out_dir) == [out_dir / "Reader notes.md"]
    assert (out_dir / "Reader notes.md").read_text(encoding="utf-8") == files["Reader notes.md"]
    assert os.listdir(out_dir) == ["Reader notes.md"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(library, tmp_path, monkeypatch):
    add_sample(library)
    out = tmp_path / "notes.md"
    out.write_text("the old export", encoding="utf-8")

    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(ExportError, match="No space left on device"):
        write_export(export_markdown(library), out)
    assert out.read_text(encoding="utf-8") == "the old export"
    assert sorted(os.listdir(tmp_path)) == ["data", "notes.md"]


def test_a_read_only_folder_gives_a_clear_error_and_nothing_partial(library, tmp_path, monkeypatch):
    add_sample(library)
    target = tmp_path / "readonly"
    target.mkdir()
    if os.geteuid() != 0:
        target.chmod(0o555)
    else:  # root writes anywhere: make the folder refuse the way a read-only one does
        import tempfile

        real = tempfile.mkstemp

        def refuse(*args, dir=None, **kwargs):
            if dir is not None and os.path.samefile(dir, target):
                raise PermissionError(errno.EACCES, "Permission denied")
            return real(*args, dir=dir, **kwargs)

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    try:
        with pytest.raises(ExportError) as raised:
            write_export(export_markdown(library), target / "notes.md")
        message = str(raised.value)
        assert "\n" not in message and "Permission denied" in message and str(target) in message
        with pytest.raises(ExportError):
            write_export(export_markdown(library, per_document=True), target, per_document=True)
        assert os.listdir(target) == []
    finally:
        target.chmod(0o755)


def test_cli_export_to_an_unwritable_target_exits_1_with_one_line(tmp_path, seeds_index):
    data = tmp_path / "cli-data"
    copy_index(seeds_index, data)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "reader", "export", "--data-dir", str(data), "--out",
                             str(blocker / "notes.md")], cwd=REPO, capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("reader: Cannot write") and result.stderr.count("\n") == 1
    assert sorted(os.listdir(tmp_path)) == ["a-file", "cli-data"]


def test_per_document_export_uses_safe_names(library, tmp_path):
    made = add_sample(library)
    add_orphan(library)
    files = export_markdown(library, per_document=True)
    titles = {file_name: library.db.execute("SELECT title FROM documents WHERE file_name = ?",
                                            [file_name]).fetchone()[0] for file_name, *_ in SAMPLE}
    assert set(files) == {safe_filename(t) for t in titles.values()} | {"Orphaned notes.md"}
    written = write_export(files, tmp_path / "vault", per_document=True)
    assert sorted(p.name for p in written) == sorted(files)
    assert sorted(os.listdir(tmp_path / "vault")) == sorted(files)
    witkoff = files[safe_filename(titles[WITKOFF])]
    meta = front_matter(witkoff)
    assert meta["title"] == titles[WITKOFF] and meta["file"] == WITKOFF and meta["date"] == "2025-11-24"
    assert meta["exported"] == made[2].modified and meta["tags"] == ["headline", "spelling"]
    assert made[2].block_id in witkoff and made[0].block_id not in witkoff
    for name in files:
        check_portable(name)


def check_portable(name: str) -> None:
    assert not re.search(r'[\\/:*?"<>|\x00-\x1f]', name), name
    assert name == name.strip() and not name.endswith(".") and len(name) <= 100 and len(name.encode()) <= 240
    assert name.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}
    assert unicodedata.is_normalized("NFC", name)


@pytest.mark.parametrize("title", [
    "モスクワのウィトコフ:キーウは交渉の席に居るのか、それとも食卓に載せられるのか",
    "米国/ロシア: \"停戦\"? <速報> | *重要*",
    "CON", "nul.txt", "Com1", "lpt9 ", "...", "   ", "",
    "終わりに点...", "tab\there\nnewline\x00nul\x7fdel",
    "停戦" * 200,
    "ａ" * 99 + "😀" * 80,
    "\u202eevil\u200b title",
    "ｶﾞ" + "が" + "ガ",   # decomposed and composed kana
])
def test_safe_filename(title):
    name = safe_filename(title)
    check_portable(name)
    assert name.endswith(".md") and len(name) > 3


def test_safe_filename_keeps_japanese_titles_readable():
    assert safe_filename("停戦交渉の核心") == "停戦交渉の核心.md"
    assert safe_filename("米国:和平交渉における立場") == "米国_和平交渉における立場.md"
    assert safe_filename("CON") == "_CON.md"


def test_a_note_whose_document_left_the_index_is_still_exported(library):
    made = add_sample(library)
    gone = made[3].with_changes(doc_key="e" * 64, file_name="gone.txt")   # not re-anchored yet
    Annotations(library).user.set_anchors([gone])
    text = export_markdown(library)["Reader notes.md"]
    assert text.index(f"^{gone.block_id}") > text.index("\n# Orphaned notes\n")
    assert "`gone.txt`" in text
