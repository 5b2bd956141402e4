"""Saved news pages: main text without chrome, metadata from the page, encodings, no fetching."""
from __future__ import annotations

import codecs
import socket
from pathlib import Path

import pytest

from conftest import shared_path
from reader.ingest import IngestError, load_file

FIXTURES = Path(__file__).parent / "fixtures" / "import"

# Wikinews 2014-07-18 "マレーシア航空17便がウクライナで撃墜か" (CC BY 2.5), as laid out in news_ja.html.
MH17_SENTENCES = [
    "インタファクス通信は現地時間(モスクワ標準時、UTC+4)7月17日にロシア航空当局の話として、",
    "マレーシア航空は自社のツイッターで、アムステルダム発クアラルンプール行のマレーシア航空17便がウクライナ上空で消息を絶ったと発表している。",
    "墜落したと見られる航空機は、アムステルダムからクアラルンプールへ向かっていたボーイング777型機。",
    "今回の事件を受けて、ロシアのプーチン氏と、アメリカのオバマ氏の両大統領は緊急に電話会談し、情勢について意見交換を行った。",
    "ただ、現状では確たる情報には接していない」と話している。",
]
CHROME = ["関連記事", "プライバシーポリシー", "お問い合わせ", "記事を検索", "国際", "スクリプトが書いた文字",
          "鎌倉市長谷寺", "訃報ジェームス・ブラウン氏", "ツイート", "Copyright", "dataLayer", "font-family"]


def assert_in_order(text: str, sentences: list[str]) -> None:
    positions = [text.find(sentence) for sentence in sentences]
    assert all(p >= 0 for p in positions), [s for s, p in zip(sentences, positions) if p < 0]
    assert positions == sorted(positions)


def test_news_page_text_is_the_article_in_order() -> None:
    doc = load_file(FIXTURES / "news_ja.html")
    assert doc.text.startswith("マレーシア航空17便がウクライナで撃墜か\n")
    assert_in_order(doc.text, MH17_SENTENCES)
    for chrome in CHROME:
        assert chrome not in doc.text, chrome
    assert "\n\n\n" not in doc.text and not any(line != line.strip(" ") for line in doc.text.split("\n"))


def test_news_page_metadata_comes_from_the_page() -> None:
    doc = load_file(FIXTURES / "news_ja.html")
    assert doc.title == "マレーシア航空17便がウクライナで撃墜か"      # og:title without " | ウィキニュース"
    assert doc.date == "2014-07-18T09:30"                           # JSON-LD datePublished, not dateModified
    assert doc.source == "ウィキニュース"
    assert doc.author == "ウィキニュース記者"
    assert doc.encoding == "utf-8" and doc.languages[0] == "ja"


def test_ruby_readings_leave_the_text_and_are_kept_aside() -> None:
    doc = load_file(FIXTURES / "news_ja.html")
    assert "げきつい" not in doc.text and "ついらく" not in doc.text and "(" + "げ" not in doc.text
    assert [(doc.text[r.start:r.end], r.reading) for r in doc.ruby] == [("撃墜", "げきつい"), ("墜落", "ついらく")]
    assert "ウクライナの輸送機を撃墜したことは認めている。" in doc.text


def test_nothing_is_fetched_while_reading_a_page(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("a page tried to reach the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    doc = load_file(FIXTURES / "news_ja.html")            # remote <img>, <script src>, <link>, <iframe>
    assert doc.title.startswith("マレーシア航空")


def test_shift_jis_page_declared_with_http_equiv() -> None:
    doc = load_file(FIXTURES / "news_sjis.html")
    assert doc.encoding == "cp932"
    assert doc.title == "ウクライナ・カトリック教会、本部をキエフに移転"
    assert doc.date == "2008-08-21"                                 # <time datetime>
    assert doc.source == "ウィキニュース"
    assert_in_order(doc.text, [
        "21日、ウクライナ・ギリシャ=カトリック教会が、本部をウクライナ西部のリヴィフ(リヴィウ)から首都キエフに移転した。",
        "600万人の信徒をもつウクライナ・ギリシャ=カトリック教会は、東方典礼教会中最大の規模をもつ。",
        "21日のデモでは、ウクライナ・ギリシャ=カトリック教会の本部建設予定地でデモが行われた。",
    ])
    assert "関連記事" not in doc.text and "トップ" not in doc.text


def test_english_page() -> None:
    doc = load_file(FIXTURES / "news_en.html")
    assert (doc.title, doc.author, doc.source, doc.date) == (
        "Russia and Ukraine resume talks in Istanbul", "Jane Reporter", "The Example Post", "2025-05-16T18:45")
    assert_in_order(doc.text, ["Negotiators from Russia and Ukraine met in Istanbul on Friday",
                               "both delegations agreed to exchange one thousand prisoners of war.",
                               "unconditional thirty-day ceasefire."])
    for chrome in ("Most read", "Markets rally", "All rights reserved", "Opinion"):
        assert chrome not in doc.text
    assert doc.languages == ["en"]


def test_euc_jp_page_without_a_charset_is_detected() -> None:
    original = load_file(shared_path("bench", "encodings", "original", "euc-jp__w3m__doc-jp_MANUAL.html"))
    twin = load_file(shared_path("bench", "encodings", "utf8", "euc-jp__w3m__doc-jp_MANUAL.html"))
    assert original.encoding in ("euc_jp", "euc_jis_2004") and twin.encoding == "utf-8"
    assert original.text == twin.text
    # A line break in the page source between Japanese characters is no paragraph and no space.
    assert "これを使うと，kterm などのキャラクタ端末上で，ローカルファイルを見たり" in original.text
    assert original.title == "w3m マニュアル"


def page(body: str, head: str = "", charset: str = "utf-8") -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='{charset}'>{head}</head>"
            f"<body><article>{body}</article></body></html>").encode("utf-8" if charset == "utf-8" else charset)


ARTICLE = "".join(f"<p>{s}</p>" for s in MH17_SENTENCES[1:4])


def test_page_metadata_wins_over_the_text_heuristics(tmp_path) -> None:
    head = ("<title>Wrong title from the title bar</title>"
            "<meta property='og:title' content='撃墜か、ウクライナ東部で'>"
            "<meta property='article:published_time' content='2014-07-18T09:30:00+09:00'>"
            "<meta property='og:site_name' content='ニュースサイト'>")
    doc = load_file(tmp_path / "a.html", page("<p>2025年1月1日 12:00 更新</p><p>日本経済新聞</p>" + ARTICLE, head))
    assert (doc.title, doc.date, doc.source) == ("撃墜か、ウクライナ東部で", "2014-07-18T09:30", "ニュースサイト")
    assert doc.text.startswith("撃墜か、ウクライナ東部で\n\n")


def test_json_ld_graph_with_several_authors(tmp_path) -> None:
    head = ("<script type='application/ld+json'>{\"@context\": \"https://schema.org\", \"@graph\": ["
            "{\"@type\": \"WebSite\", \"name\": \"Site\"},"
            "{\"@type\": [\"NewsArticle\"], \"headline\": \"停戦交渉の行方\", \"datePublished\": \"2025-03-14\","
            "\"author\": [{\"@type\": \"Person\", \"name\": \"山田太郎\"}, {\"@type\": \"Person\", \"name\": \"John Smith\"}],"
            "\"publisher\": {\"@type\": \"Organization\", \"name\": \"東西通信\"}}]}</script>")
    doc = load_file(tmp_path / "a.html", page(ARTICLE, head))
    assert (doc.title, doc.date, doc.author, doc.source) == ("停戦交渉の行方", "2025-03-14", "山田太郎, John Smith", "東西通信")


def test_wrong_charset_declaration_falls_back_to_detection(tmp_path) -> None:
    data = page(ARTICLE, charset="shift_jis").replace(b"charset='shift_jis'", b"charset='utf-8'")
    doc = load_file(tmp_path / "a.html", data)
    assert doc.encoding.replace("_", "").startswith(("shiftjis", "cp932"))
    assert MH17_SENTENCES[2] in doc.text


@pytest.mark.parametrize("bom,codec", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF8, "utf-8")])
def test_byte_order_mark_wins(tmp_path, bom, codec) -> None:
    html = f"<html><head><meta charset='iso-8859-1'><title>t</title></head><body>{ARTICLE}</body></html>"
    doc = load_file(tmp_path / "a.htm", bom + html.encode(codec))
    assert MH17_SENTENCES[2] in doc.text


def test_xhtml_with_xml_declaration(tmp_path) -> None:
    data = ("<?xml version='1.0' encoding='utf-8'?>\n<html xmlns='http://www.w3.org/1999/xhtml'><head><title>x</title>"
            f"</head><body>{ARTICLE}</body></html>").encode("utf-8")
    assert MH17_SENTENCES[3] in load_file(tmp_path / "a.xhtml", data).text


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "PNG"),
    (b"<html><head><title>Only a menu</title><script>alert(1)</script></head>"
     b"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><form><input></form></body></html>",
     "no article text"),
])
def test_pages_without_text_are_refused(tmp_path, data, message) -> None:
    with pytest.raises(IngestError, match=message):
        load_file(tmp_path / "bad.html", data)


def test_ruby_in_the_headline_and_body(tmp_path) -> None:
    data = ("<html><body><article><h1><ruby>停戦<rt>ていせん</rt></ruby>交渉が再開</h1>"
            "<p>ロシアとウクライナの代表団が<ruby>停戦<rp>(</rp><rt>ていせん</rt><rp>)</rp></ruby>について"
            "協議した。</p></article></body></html>").encode("utf-8")
    doc = load_file(tmp_path / "easy.html", data)
    assert doc.title == "停戦交渉が再開"
    assert doc.text == "停戦交渉が再開\nロシアとウクライナの代表団が停戦について協議した。"
    assert [(doc.text[r.start:r.end], r.reading) for r in doc.ruby] == [("停戦", "ていせん"), ("停戦", "ていせん")]


ASP_NET_PAGE = """<!DOCTYPE html><html><head><meta charset='utf-8'><title>Talks resume in Istanbul - News</title></head>
<body><form method="post" action="./article.aspx" id="aspnetForm">
<input type="hidden" name="__VIEWSTATE" value="dDwtMTA4MzE0MjEwNTs7Pg==">
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/economy">Economy</a></nav></header>
<div class="search"><input type="text" name="q"><input type="submit" value="Search"></div>
<div id="article-body"><h1>Talks resume in Istanbul</h1>
<p>Delegations from Russia and Ukraine met in Istanbul on Monday for a second round of direct talks, the first since the spring.</p>
<p>Both sides exchanged draft memoranda on a ceasefire and agreed to a further exchange of prisoners of war before the summer.</p>
<p>Turkish officials, who hosted the meeting at a palace on the Bosphorus, said the atmosphere had been businesslike but tense.</p>
</div>
<footer><a href="/about">About</a> <a href="/privacy">Privacy</a></footer>
</form></body></html>"""


def test_page_wrapped_in_one_form_is_read(tmp_path) -> None:
    """ASP.NET pages put the whole layout, article included, inside one <form>."""
    doc = load_file(tmp_path / "aspnet.html", ASP_NET_PAGE.encode("utf-8"))
    assert "agreed to a further exchange of prisoners of war" in doc.text
    assert "said the atmosphere had been businesslike but tense." in doc.text
    assert "Privacy" not in doc.text and "Economy" not in doc.text


# A manual page like w3m's doc-jp pages: plain HTML, no navigation or site furniture.
PLAIN_MANUAL_PAGE = """<html><head><title>w3m の歴史</title></head><body>
<h1>w3m 開発の経緯</h1>
<h2>はじめに</h2>
<p>この文書は，w3m というプログラムがどうしてできたのかを記録しておくためのものです．</p>
<ul>
<li>テキストベースのページャとして始まった</li>
<li>表を表示できるブラウザが欲しかった</li>
<li>フレームにも対応した</li>
</ul>
<h2>ページャとして</h2>
<p>最初の w3m は fm というページャを作っていた時に，ハイパーテキストの機能を加えたものでした．その頃はまだ WWW のブラウザとして使うことは考えていなかったのです．</p>
<p>ところが，表を表示する機能を加えてみると，意外に使いやすいことがわかりました．そこで，HTML の表示を本格的に考えることにしました．</p>
<h2>表の表示</h2>
<p>表の表示はこのプログラムの最大の特徴です．表の各列の幅を決めるのには，いろいろな方法を試しました．最終的には，各列の最小幅と最大幅を計算して，全体の幅に収まるように配分する方法に落ち着きました．</p>
<p>この方法は完全ではありませんが，ほとんどの表はきれいに表示できます．入れ子になった表にも対応しています．</p>
<h2>おわりに</h2>
<p>w3m はこれからも少しずつ改良していく予定です．ご意見やバグ報告をお待ちしています．</p>
</body></html>"""


def test_plain_page_keeps_its_opening_section_and_lists(tmp_path) -> None:
    doc = load_file(tmp_path / "history.html", PLAIN_MANUAL_PAGE.encode("euc-jp"))
    assert_in_order(doc.text, ["w3m 開発の経緯", "はじめに", "この文書は", "テキストベースのページャとして始まった",
                               "フレームにも対応した", "ページャとして\n最初の", "表の表示\n", "おわりに", "お待ちしています．"])


def test_news_page_with_site_furniture_is_still_cut_to_the_article(tmp_path) -> None:
    """The same text with a menu and a related-links box: the extractor's cut stands."""
    furnished = PLAIN_MANUAL_PAGE.replace(
        "<body>", "<body><div class='site-menu'><a href='/'>トップ</a> <a href='/docs'>文書一覧</a></div>").replace(
        "</body>", "<div class='related-links'><a href='/faq'>よくある質問</a></div></body>")
    doc = load_file(tmp_path / "news.html", furnished.encode("utf-8"))
    assert "文書一覧" not in doc.text and "よくある質問" not in doc.text
    assert "入れ子になった表にも対応しています．" in doc.text
