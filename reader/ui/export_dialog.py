"""File ▸ Export Notes… (Markdown), Export Notes as W3C JSON… and Import Notes (W3C JSON)….

The dialog asks how (one file or one per document, the surrounding sentence, entity
links), a file dialog asks where, and `reader.annotations.markdown_export.write_export`
writes: each file to a temporary file renamed over the target, so an unwritable target
leaves nothing behind and is reported in a message box.
"""
from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QDialog, QDialogButtonBox, QFileDialog, QGroupBox, QLabel,
                               QMessageBox, QRadioButton, QVBoxLayout, QWidget)

from reader.ui.views import plain_message

MARKDOWN_FILTER = "Markdown (*.md)"
JSON_FILTER = "W3C Web Annotation JSON (*.json *.jsonld);;All files (*)"


class ExportNotesDialog(QDialog):
    """How to export: which notes, one file or one per document, context, links."""

    def __init__(self, parent: QWidget | None = None, document_title: str | None = None,
                 per_document: bool = False, sentence: bool = False, links: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("exportNotesDialog")
        self.setWindowTitle("Export Notes")
        self.setAccessibleName("Export notes")
        intro = QLabel("Markdown with YAML front matter, <code>#tags</code>, block ids and "
                       "<code>[[entity]]</code> links: it drops into an Obsidian vault or any notes app.")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)

        which = QGroupBox("Notes")
        self.all_notes = QRadioButton("All notes")
        self.all_notes.setObjectName("exportAll")
        self.this_document = QRadioButton(f"Only “{document_title}”" if document_title else "Only this document")
        self.this_document.setObjectName("exportThisDocument")
        self.this_document.setEnabled(document_title is not None)
        self.all_notes.setChecked(True)
        which_group = QButtonGroup(self)
        which_layout = QVBoxLayout(which)
        for button in (self.all_notes, self.this_document):
            which_group.addButton(button)
            which_layout.addWidget(button)

        files = QGroupBox("Files")
        self.single = QRadioButton("One file (Reader notes.md)")
        self.single.setObjectName("exportSingle")
        self.per_document = QRadioButton("One file per document, in a folder")
        self.per_document.setObjectName("exportPerDocument")
        (self.per_document if per_document else self.single).setChecked(True)
        files_group = QButtonGroup(self)
        files_layout = QVBoxLayout(files)
        for button in (self.single, self.per_document):
            files_group.addButton(button)
            files_layout.addWidget(button)

        self.sentence = QCheckBox("Include the surrounding sentence (the quote marked ==like this==)")
        self.sentence.setObjectName("exportSentence")
        self.sentence.setChecked(sentence)
        self.links = QCheckBox("Link the people, places and organisations quoted as [[Name]]")
        self.links.setObjectName("exportLinks")
        self.links.setChecked(links)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = buttons.addButton("Export…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(which)
        layout.addWidget(files)
        layout.addWidget(self.sentence)
        layout.addWidget(self.links)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def options(self):
        from reader.annotations.markdown_export import ExportOptions

        return ExportOptions(context="sentence" if self.sentence.isChecked() else "quote",
                             links=self.links.isChecked())


def start_folder(controller, key: str) -> str:
    folder = controller.settings.value(key)
    if folder and Path(str(folder)).is_dir():
        return str(folder)
    return str(Path.home())


def export_markdown(controller, this_document: bool = False) -> list[Path]:
    """The whole Export Notes… flow; returns the files written (none if cancelled or it failed).
    `this_document`: the dialog starts on "Only this document" (the document list's command)."""
    from reader.annotations.files import ExportError
    from reader.annotations.markdown_export import SINGLE_FILE_NAME, export_markdown as render, write_export
    from reader.annotations.model import AnnotationError

    window = controller.window
    notes = controller.service()
    if notes is None or not controller.annotations:
        QMessageBox.information(window, "Export Notes", "There are no notes to export yet.")
        return []
    current = window.current
    s = controller.settings
    dialog = ExportNotesDialog(window, current.summary.title or current.summary.file_name if current else None,
                               per_document=s.value("export/perDocument", False) in (True, "true"),
                               sentence=s.value("export/sentence", False) in (True, "true"),
                               links=s.value("export/links", True) not in (False, "false"))
    if this_document and current is not None:
        dialog.this_document.setChecked(True)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return []
        per_document = dialog.per_document.isChecked()
        options = dialog.options()
        docs = [current.summary.id] if dialog.this_document.isChecked() and current is not None else None
    finally:
        dialog.deleteLater()
    s.setValue("export/perDocument", per_document)
    s.setValue("export/sentence", options.context == "sentence")
    s.setValue("export/links", options.links)
    start = start_folder(controller, "export/folder")
    if per_document:
        chosen = QFileDialog.getExistingDirectory(window, "Export Notes into Folder", start)
    else:
        chosen, _filter = QFileDialog.getSaveFileName(window, "Export Notes", str(Path(start) / SINGLE_FILE_NAME),
                                                      MARKDOWN_FILTER)
    if not chosen:
        return []
    target = Path(chosen)
    try:
        files = render(docs=docs, per_document=per_document, options=options, db=notes.db, user=notes.user)
        written = write_export(files, target, per_document=per_document)
    except (ExportError, AnnotationError, OSError) as error:
        QMessageBox.critical(window, "Could not export notes", plain_message(
            f"The notes could not be written to {target}:\n\n{error}\n\nNothing was written."))
        return []
    s.setValue("export/folder", str(target if per_document else target.parent))
    where = str(target) if per_document or len(written) != 1 else str(written[0])
    window.statusBar().showMessage(f"Exported notes to {where}"
                                   + (f" ({len(written)} files)" if len(written) > 1 else ""), 10000)
    return written


def export_json(controller) -> Path | None:
    """Every note as W3C Web Annotation JSON, to a file the user picks."""
    from reader.annotations import w3c
    from reader.annotations.files import ExportError, write_atomic

    window = controller.window
    notes = controller.service()
    if notes is None or not controller.annotations:
        QMessageBox.information(window, "Export Notes", "There are no notes to export yet.")
        return None
    start = start_folder(controller, "export/folder")
    chosen, _filter = QFileDialog.getSaveFileName(window, "Export Notes as W3C JSON",
                                                  str(Path(start) / "Reader notes.json"), JSON_FILTER)
    if not chosen:
        return None
    target = Path(chosen)
    try:
        data = w3c.dumps(w3c.export_json(user=notes.user)).encode("utf-8")
        if target.is_dir():
            target = target / "Reader notes.json"
        write_atomic(target, data)
    except (ExportError, OSError) as error:
        QMessageBox.critical(window, "Could not export notes", plain_message(
            f"The notes could not be written to {target}:\n\n{error}\n\nNothing was written."))
        return None
    controller.settings.setValue("export/folder", str(target.parent))
    window.statusBar().showMessage(f"Exported {len(controller.annotations)} notes to {target}", 10000)
    return target


def import_json(controller):
    """Import W3C JSON (all or nothing) and show what happened to each note; returns the report."""
    from reader.annotations import w3c
    from reader.annotations.model import AnnotationError

    window = controller.window
    start = start_folder(controller, "export/folder")
    chosen, _filter = QFileDialog.getOpenFileName(window, "Import Notes (W3C JSON)", start, JSON_FILTER)
    if not chosen:
        return None
    notes = controller.service(create=True)
    if notes is None:
        QMessageBox.warning(window, "Notes are unavailable",
                            plain_message(controller.error or "The notes file cannot be opened."))
        return None
    try:
        report = w3c.import_json(None, w3c.read_json_file(Path(chosen)), db=notes.db, user=notes.user)
    except w3c.ImportRejected as error:
        box = QMessageBox(QMessageBox.Icon.Warning, "Nothing imported",
                          f"{Path(chosen).name} could not be imported, so nothing was: every note in it must "
                          f"be readable first.", QMessageBox.StandardButton.Ok, window)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the file's name is the user's
        box.setObjectName("notesImportReport")
        box.setDetailedText("\n".join(error.problems))
        box.open()
        controller.import_box = box
        return None
    except AnnotationError as error:
        QMessageBox.warning(window, "Nothing imported", plain_message(str(error)))
        return None
    controller.refresh(force=True)
    box = QMessageBox(QMessageBox.Icon.Information, "Notes imported", import_summary_html(report, Path(chosen).name),
                      QMessageBox.StandardButton.Ok, window)
    box.setObjectName("notesImportReport")
    box.setTextFormat(Qt.TextFormat.RichText)
    details = [f"{i.action:8} {i.status:9} {i.file_name}  {i.uuid}" for i in report.items]
    details += [f"warning: {w}" for w in report.warnings]
    if details:
        box.setDetailedText("\n".join(details))
    box.open()
    controller.import_box = box   # kept for tests and so it is not collected while shown
    return report


def import_summary_html(report, name: str) -> str:
    actions, statuses = report.actions, report.statuses
    lines = [f"<p><b>{html.escape(name)}</b>: {len(report.items)} note{'s' if len(report.items) != 1 else ''}.</p>",
             f"<p>{actions['added']} added, {actions['updated']} updated, {actions['skipped']} skipped "
             f"(already here and not older).</p>"]
    placed = ", ".join(f"{n} {s}" for s, n in statuses.items() if n)
    if placed:
        lines.append(f"<p>In the text: {html.escape(placed)}.</p>")
    if statuses.get("orphaned"):
        lines.append("<p>Orphaned notes were not found in the documents indexed now; they are kept with their "
                     "quote and listed in the Notes panel (All documents).</p>")
    if report.warnings:
        count = len(report.warnings)
        lines.append(f"<p>{count} warning{'s' if count != 1 else ''}: see the details.</p>")
    return "".join(lines)
