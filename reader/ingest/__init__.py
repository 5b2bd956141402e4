"""Turning files into Documents: decoding, passages, sentences, marks and metadata.

    doc = load_file(Path("article.txt"))

Qt-free; safe to call from worker threads.
"""
from reader.ingest.decode import decode_bytes
from reader.ingest.loaders import build_document, load_file, register, supported_suffixes
from reader.ingest.model import Document, IngestError, Passage, Sentence

__all__ = ["load_file", "supported_suffixes", "build_document", "register", "decode_bytes",
           "IngestError", "Document", "Passage", "Sentence"]
