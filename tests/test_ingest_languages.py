"""Latin-script languages are identified (py3langid), not assumed to be English."""
from __future__ import annotations

from pathlib import Path

import pytest

from reader.ingest import build_document, load_file
from reader.ingest.languages import identify
from reader.nlp.extract import Extractor

PORTUGUESE = ["Negociações de paz entre a Rússia e a Ucrânia são retomadas em Istambul",
              "As delegações da Rússia e da Ucrânia reuniram-se na segunda-feira em Istambul para uma segunda "
              "rodada de conversações diretas, a primeira desde a primavera.",
              "Os dois lados trocaram propostas de memorando sobre um cessar-fogo e concordaram com uma nova troca "
              "de prisioneiros de guerra antes do verão.",
              "Autoridades turcas, que receberam o encontro num palácio à beira do Bósforo, disseram que o clima "
              "foi profissional, mas tenso."]
ITALIAN = ["Riprendono a Istanbul i negoziati di pace tra Russia e Ucraina",
           "Le delegazioni di Russia e Ucraina si sono incontrate lunedì a Istanbul per un secondo round di colloqui "
           "diretti, il primo dalla primavera.",
           "Le due parti si sono scambiate bozze di memorandum su un cessate il fuoco e hanno concordato un nuovo "
           "scambio di prigionieri di guerra prima dell'estate.",
           "I funzionari turchi, che hanno ospitato l'incontro in un palazzo sul Bosforo, hanno detto che il clima "
           "è stato professionale ma teso."]
ENGLISH = ["Peace talks between Russia and Ukraine resume in Istanbul",
           "Delegations from Russia and Ukraine met in Istanbul on Monday for a second round of direct talks, the "
           "first since the spring.",
           "Both sides exchanged draft memoranda on a ceasefire and agreed to a further exchange of prisoners of war "
           "before the summer."]


def news_page(paragraphs: list[str], lang_attribute: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs[1:])
    return (f"<!DOCTYPE html><html{lang_attribute}><head><meta charset='utf-8'><title>{paragraphs[0]}</title></head>"
            f"<body><article><h1>{paragraphs[0]}</h1>{body}</article></body></html>").encode("utf-8")


@pytest.mark.parametrize("paragraphs, language", [(PORTUGUESE, "pt"), (ITALIAN, "it"), (ENGLISH, "en")])
def test_latin_script_pages_are_tagged_with_their_language(tmp_path: Path, paragraphs, language) -> None:
    doc = load_file(tmp_path / "page.html", news_page(paragraphs))
    assert doc.languages == [language]
    assert {p.lang for p in doc.passages} == {language}
    assert {s.lang for p in doc.passages for s in p.sentences} == {language}


def test_a_japanese_article_keeps_english_for_a_few_latin_names() -> None:
    doc = build_document("/tmp/a.txt", "米露交渉が再開された。ウィトコフ特使がモスクワ入りした。\n"
                                       "Steve Witkoff in Moscow\n", "utf-8")
    assert [p.lang for p in doc.passages] == ["ja", "en"]


def test_an_english_quote_in_a_portuguese_text_takes_the_documents_language() -> None:
    doc = build_document("/tmp/pt.txt", "\n".join(PORTUGUESE + ["Talks resume."]), "utf-8")
    assert doc.languages == ["pt"]


def test_no_confident_answer_is_unknown_not_a_guess() -> None:
    assert identify("Pravda Bratislava Zagreb Ljubljana Kyjev Beograd") == "und"


def test_entities_are_not_read_with_english_rules_in_another_language() -> None:
    doc = build_document("/tmp/pt.txt", "\n".join(PORTUGUESE), "utf-8")
    spans = [(p.start, p.end, p.lang) for p in doc.passages]
    assert Extractor().extract_passages(doc.text, spans) == []
