"""Titles, dates, sources, URLs and languages as a reader would name them."""
from __future__ import annotations

from pathlib import Path

import pytest

from reader.ingest import build_document, load_file
from reader.ingest.metadata import extract_date, extract_urls

REPO = Path(__file__).parents[1]
WIKINEWS = REPO / ".." / "shared" / "bench" / "wikinews-ja"
AOZORA = REPO / ".." / "shared" / "bench" / "aozora"


def seed(prefix: str) -> Path:
    return next((REPO / "seeds").glob(f"{prefix}_*.txt"))


def document(text: str, name: str = "article.txt"):
    return build_document(Path("/tmp") / name, text, "utf-8")


# --- The five seeds ------------------------------------------------------------------------

@pytest.mark.parametrize("prefix, title, date", [
    # A podcast page: the headline printed twice, then "2025-11-21Business" and empty timers.
    ("000", "ロシアが交渉の場に出てきた理由", "2025-11-21"),
    # The date stamp is glued to the end of the headline.
    ("001", "米国:和平交渉における立場を明確に強硬化", "2025-05-10T21:32"),
    ("002", "停戦交渉の核心", "2025-03-14T19:27"),
    # Under a "Liabooks Home|PRISM News" site line; the text names only a month (2025年12月), no day.
    ("003", "ウクライナ紛争、水面下の米露交渉の深層:地政学的圧力と未来への示唆", None),
    # Under a back link "エントランへ"; the headline is broken over three lines after particles.
    ("004", "モスクワのウィトコフ:キーウは交渉の席に居るのか、それとも食卓に載せられるのか", "2025-11-24"),
])
def test_seed_title_and_date(prefix: str, title: str, date: str | None) -> None:
    doc = load_file(seed(prefix))
    assert doc.title == title
    assert doc.date == date


@pytest.mark.parametrize("prefix, source", [
    ("000", None),                 # "Read original at News Source" names no source
    ("001", "open.substack.com"),  # host of the cited original under 【引用・参照・底本】
    ("002", "globaltimes.cn"),
    ("003", "PRISM News"),         # the site header "Liabooks Home|PRISM News"
    ("004", None),
])
def test_seed_source(prefix: str, source: str | None) -> None:
    assert load_file(seed(prefix)).source == source


def test_seed_urls_are_the_cited_links() -> None:
    assert load_file(seed("002")).urls == ["https://www.globaltimes.cn/page/202503/1330088.shtml"]
    urls = load_file(seed("001")).urls
    assert len(urls) == 1 and urls[0].startswith("https://open.substack.com/pub/korybko/p/the-us-is-toughening")
    assert load_file(seed("000")).urls == []


def test_seed_languages() -> None:
    assert load_file(seed("002")).languages == ["ja"]
    # The Korean "related articles" block is chrome, not part of the article.
    assert load_file(seed("003")).languages == ["ja"]
    # The English original headline and lead follow the Japanese one.
    assert load_file(seed("004")).languages == ["ja", "en"]
    # Japanese podcast script, then the long English source article.
    assert set(load_file(seed("000")).languages) == {"ja", "en"}


# --- Dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, date", [
    ("見出し\n2025年05月10日 21:32\n本文。", "2025-05-10T21:32"),
    ("見出し\n2025年11月24日\n本文。", "2025-11-24"),
    ("Headline\n2025-11-21\nBody.", "2025-11-21"),
    ("Headline\n2025-11-21T08:05:00Z\nBody.", "2025-11-21T08:05"),
    ("見出し\n2025/3/14\n本文。", "2025-03-14"),
    ("Headline\nMarch 14, 2025\nBody.", "2025-03-14"),
    ("Headline\nPublished 14 March 2025 at noon\nBody.", "2025-03-14"),
    ("Headline\nSept. 3, 2025\nBody.", "2025-09-03"),
    ("見出し\n２０２５年３月１４日（金）１９：２７\n本文。", "2025-03-14T19:27"),
    ("地震\n2011年4月7日午後11時32分頃、宮城県沖で地震があった。", "2011-04-07T23:32"),
    ("見出し\n令和7年5月10日\n本文。", "2025-05-10"),
    ("見出し\n2025年2月30日\n本文。", None),            # no such day
    ("見出し\n2025年12月の交渉は続く。", None),        # a month is not a date
    ("Version 1.2.3 released\nBody.", None),
])
def test_dates_in_common_formats(text: str, date: str | None) -> None:
    assert extract_date(text) == date


def test_only_dates_near_the_top_count() -> None:
    text = "見出し\n" + "本文の行。\n" * 30 + "2025年1月1日\n"
    assert extract_date(text) is None


# --- Titles --------------------------------------------------------------------------------

def test_markdown_heading_marks_are_not_part_of_the_title() -> None:
    assert document("# Talks resume in Geneva\n\nBody text.", "a.md").title == "Talks resume in Geneva"


def test_site_name_after_a_bar_is_the_source_not_part_of_the_title() -> None:
    doc = document("停戦交渉の行方 | 東京新聞\n\n本文。")
    assert (doc.title, doc.source) == ("停戦交渉の行方", "東京新聞")
    doc = document("Ukraine talks stall in Istanbul | Reuters\n\nThe talks stalled.")
    assert (doc.title, doc.source) == ("Ukraine talks stall in Istanbul", "Reuters")


def test_date_inside_a_headline_is_kept() -> None:
    assert document("2025年3月14日の停戦交渉\n\n本文。").title == "2025年3月14日の停戦交渉"
    assert document("2025年3月14日 停戦交渉\n\n本文。").title == "停戦交渉"


def test_navigation_above_the_headline_is_skipped() -> None:
    doc = document("Home\nNews\n--:--\n\nCeasefire talks stall in Istanbul\n\nThe talks stalled. Nobody moved.")
    assert doc.title == "Ceasefire talks stall in Istanbul"


def test_a_long_first_paragraph_gives_its_first_sentence() -> None:
    text = ("ロシアは提案を検討した後に回答すると述べた。" + "米国は制裁を強化すると警告している" * 8 + "。\n")
    assert document(text).title == "ロシアは提案を検討した後に回答すると述べた。"


def test_file_name_when_there_is_no_text_to_name_it() -> None:
    assert document("----\n\n1234\n", "notes-2025.txt").title == "notes-2025"


# --- Sources and URLs ----------------------------------------------------------------------

def test_source_from_a_source_line_or_a_newspaper_name() -> None:
    assert document("Headline\n\nBody.\n\nSource: https://www.reuters.com/world/x\n").source == "reuters.com"
    assert document("見出し\n\n本文。\n\n出典：共同通信\n").source == "共同通信"
    assert document("日本経済新聞\n見出し\n\n本文。\n").source == "日本経済新聞"


def test_source_is_none_when_not_stated() -> None:
    assert document("見出し\n\n今日のニュースを伝える。詳しくは https://example.com/a を参照。\n").source is None


def test_urls_in_order_without_duplicates_or_trailing_punctuation() -> None:
    text = ("出典（https://a.example/x）と https://b.example/y?q=1&r=2. "
            "再掲: https://a.example/x、(see https://en.wikipedia.org/wiki/Minsk_(city))\n")
    assert extract_urls(text) == ["https://a.example/x", "https://b.example/y?q=1&r=2",
                                  "https://en.wikipedia.org/wiki/Minsk_(city)"]


# --- Real corpora --------------------------------------------------------------------------

def test_wikinews_headline_is_the_first_line() -> None:
    if not WIKINEWS.is_dir():
        pytest.skip("shared bench corpus not available")
    for path in sorted(WIKINEWS.glob("*.txt"))[:40]:
        doc = load_file(path)
        assert doc.title == doc.text.split("\n")[0].strip(), path.name
        assert doc.languages[0] == "ja"


def test_aozora_title_and_source() -> None:
    if not AOZORA.is_dir():
        pytest.skip("shared bench corpus not available")
    doc = load_file(AOZORA / "000006_1868_ruby_22436.txt")
    assert doc.title == "小説総論"
    assert doc.source == "aozora.gr.jp"        # from the 底本 (bibliography) notes


def test_dates_in_a_related_news_list_are_not_the_articles() -> None:
    """A 2006 typhoon report on Wikinews, with its dated "related news" line (CC BY 2.5)."""
    text = ("強い台風8号、沖ノ鳥島の西に\n\n"
            "気象庁によると、台風8号「サオマイ」(Saomai)は、沖ノ鳥島の西海上にあって、北西に進んでいる。\n"
            "9日にも南西諸島に達し、11日頃中国大陸に上陸すると見られている。\n"
            "2016年8月16日(火):台風13号の影響で広島でも1人死亡1人不明2016年8月16日(火):台風14号、発達して猛烈な台風に"
            "2014年7月7日(月):台風8号で宮古島地方に「暴風・波浪特別警報」最大級の警戒を『台風情報』。\n"
            "気象庁、2006年8月8日。\n")
    doc = document(text)
    assert doc.date == "2006-08-08"
    related = next(p for p in doc.passages if doc.text[p.start:p.end].startswith("2016年8月16日"))
    assert related.boilerplate


def test_the_dateline_wins_over_a_date_in_the_headline() -> None:
    doc = document("停戦案、2025年3月14日の協議で提示へ\n2025年3月12日 18:05\n"
                   "ロシアとウクライナの代表団は、14日の協議で停戦案の骨子を示す見通しだ。\n")
    assert doc.date == "2025-03-12T18:05"


def test_a_flattened_box_of_related_headlines_is_boilerplate() -> None:
    doc = document("整備新幹線の未着工3区間、着工認可へ\n\n"
                   "鉄道2011年鉄道関連ニュース整備新幹線の未着工3区間、着工認可へ東海道新幹線岐阜県内で倒木による停電のため"
                   "一時運転見合わせ台風12号で被災のJR紀勢本線、約3ヵ月ぶりに全線で運行再開\n"
                   "両報道によると、安定的な財源確保や、収支採算性など5つの着工条件を満たす目途が立ったためである。\n")
    assert [doc.text[p.start:p.end][:6] for p in doc.passages if p.boilerplate] == ["鉄道2011"]


def test_a_sentence_citing_related_articles_is_not_a_box() -> None:
    doc = document("秋田新幹線が立ち往生\n\n(関連記事3・4)JR秋田新幹線は、4日夜に田沢湖駅近くで列車が雪を抱き込んで動けなくなった。\n")
    assert not any(p.boilerplate for p in doc.passages)
