"""Language processing for Reader: entity extraction (``Extractor``).

Importing this package is cheap; sudachipy and pycrfsuite load on first use.
"""
from reader.nlp.extract import LABELS, EntitySpan, Extractor

__all__ = ["EntitySpan", "Extractor", "LABELS"]
