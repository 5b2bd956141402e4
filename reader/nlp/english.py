"""English entity extraction by rules: capitalised word sequences typed with
gazetteers (pycountry, a table of capitals and demonyms, Sudachi's dictionary,
which knows many English place and person names), titles (President, Mr...),
organisation head words (Ministry, Council...) and all-caps acronyms; numeric
expressions come from ``reader.nlp.rules``.

Offsets are into the line passed to :meth:`EnglishExtractor.extract_line`.
"""
from __future__ import annotations

import re

from reader.nlp import rules

# Title words that precede a person's name (never part of the PERSON span).
TITLES = frozenset("""
President Vice-President Mr Mr. Mrs Mrs. Ms Ms. Miss Dr Dr. Prof Prof. Professor Secretary Minister Premier Chancellor
Senator Sen Sen. Rep Rep. Representative Congressman Congresswoman Governor Gov Gov. Mayor General Gen Gen. Admiral Adm
Colonel Col Col. Lt Lt. Lieutenant Major Maj Captain Capt Capt. Sergeant Sgt Marshal Commander King Queen Prince Princess
Pope Patriarch Metropolitan Archbishop Bishop Father Ambassador Envoy Spokesman Spokeswoman Spokesperson Chairman
Chairwoman Chair Commissioner Judge Justice Sir Dame Lord Lady Sheikh Emir Sultan Ayatollah Chief Deputy Speaker Leader
Adviser Advisor Aide Director Chief-of-staff CEO Founder Anchor Correspondent Analyst Envoys Presidents Ministers
""".split())
# Words that may sit inside a title phrase: "Foreign Minister", "Secretary of State", "Special Envoy".
TITLE_MODIFIERS = frozenset("""
Vice Deputy Prime Foreign Defense Defence Finance Interior Justice Special Senior Chief General Acting Former Ex Then
National Security Presidential State Affairs Treasury Staff Joint Supreme Top Lead Head Press Permanent US U.S. Russian
Ukrainian American British French German Chinese Secretary-General Secretary General of the for Exchequer
""".split())

ORG_HEADS = frozenset("""
Ministry Council Union Organization Organisation Party Bank Agency Committee Commission Corporation Corp Corp. Inc Inc.
Ltd Ltd. LLC Company Co Co. University College Institute Forces Force Army Navy Guard Guards Parliament Congress Senate
Duma Rada Office Department Fund Association Group Foundation Court Assembly Alliance Service Services Administration
Government Cabinet Times Post News Press Network Channel Images Media Television TV Radio Broadcasting Journal Review
Center Centre Bureau Authority Board Federation Coalition Movement Front Brigade Battalion Regiment Command Police
Directorate Secretariat Cartel Exchange Holdings Industries Airlines Airways Motors Energy Technologies Systems Club
Institution Academy School Society Trust Partners Capital Foundation Observatory Watch Monitor Tribune Herald Gazette
Daily Weekly Telegraph Guardian Globe Agency Reuters
""".split())
# A sequence starting with one of these plus "of" is an organisation: "Ministry of Defence", "Bank of Russia".
ORG_LEADS = frozenset("Ministry Department Bank Office Council Union Organization Organisation Commission "
                      "University Institute Court Parliament Academy Federation Government".split())

# Acronyms that are places, or not entities at all.
GPE_ACRONYMS = frozenset("US U.S. USA U.S.A. UK U.K. UAE USSR DPRK PRC ROK DRC EU".split()) - {"EU"}
NOT_ENTITY_ACRONYMS = frozenset("""
AM PM A.M. P.M. JST UTC GMT EST EDT CET CEST MSK BST PST PDT CEO CFO CTO COO TV OK ID PDF URL FAQ AI PR VS VIP DIY
HTML HTTP HTTPS WWW PS NB RE FW FYI ASAP ETA GDP GNP CPI VAT RSS API USB PC IT HR QA II III IV VI VII VIII IX XI XII
""".split())

DEMONYMS = frozenset("""
Russian Russians Ukrainian Ukrainians American Americans European Europeans Chinese Japanese Korean Koreans British
Briton Britons English French German Germans Italian Italians Spanish Polish Pole Poles Belarusian Belarusians Georgian
Georgians Israeli Israelis Palestinian Palestinians Iranian Iranians Turkish Turk Turks Syrian Syrians Indian Indians
Saudi Saudis Arab Arabs Emirati Qatari Egyptian Egyptians Hungarian Hungarians Romanian Romanians Moldovan Moldovans
Lithuanian Latvian Estonian Finnish Finn Finns Swedish Swede Swedes Norwegian Danish Dutch Belgian Swiss Austrian
Czech Slovak Serbian Serb Serbs Croatian Bulgarian Greek Greeks Canadian Canadians Mexican Brazilian Australian
Kazakh Uzbek Armenian Armenians Azerbaijani Azeri Chechen Chechens Crimean Tatar Tatars Soviet Western Westerners
Asian Asians African Africans Muslim Muslims Christian Christians Jewish Jews Orthodox Catholic Catholics Protestant
Democrat Democrats Republican Republicans Communist Communists Conservative Conservatives Socialist Socialists
North-Korean South-Korean Taiwanese Vietnamese Afghan Afghans Pakistani Pakistanis Iraqi Iraqis Lebanese Jordanian
""".split())

# Capitals and large cities pycountry does not list (world geography, not tuned to any text).
CITIES = frozenset("""
Moscow Kyiv Kiev Kharkiv Kharkov Odesa Odessa Lviv Dnipro Zaporizhzhia Kherson Mariupol Donetsk Luhansk Bakhmut Avdiivka
Pokrovsk Sumy Chernihiv Mykolaiv Sevastopol Simferopol Kursk Belgorod Bryansk Rostov St. Petersburg Saint-Petersburg
Minsk Warsaw Berlin Paris London Rome Madrid Lisbon Brussels Amsterdam Vienna Prague Budapest Bucharest Sofia Athens
Ankara Istanbul Helsinki Stockholm Oslo Copenhagen Tallinn Riga Vilnius Chisinau Tbilisi Yerevan Baku Tehran Baghdad
Damascus Beirut Amman Jerusalem Tel Aviv Cairo Riyadh Jeddah Doha Dubai Abu Dhabi Muscat Beijing Shanghai Hong Kong
Taipei Tokyo Osaka Seoul Pyongyang Delhi New Delhi Mumbai Islamabad Kabul Astana Tashkent Bishkek Dushanbe Ashgabat
Washington New York Los Angeles Chicago Miami Palm Beach Geneva Zurich Davos Munich Hamburg Milan Alaska Anchorage
Ottawa Toronto Mexico City Brasilia Buenos Aires Canberra Sydney Jakarta Bangkok Hanoi Manila Singapore Nairobi
Johannesburg Pretoria Addis Ababa Lagos Abuja Istanbul Antalya Sochi Novorossiysk Crimea Donbas Donbass Transnistria
Gaza West Bank Vatican
""".split())
CITY_PHRASES = frozenset(("St. Petersburg", "Saint Petersburg", "Tel Aviv", "Abu Dhabi", "Hong Kong", "New Delhi",
                          "New York", "Los Angeles", "Mexico City", "Buenos Aires", "Addis Ababa", "Palm Beach",
                          "West Bank", "White House", "Washington DC", "Washington D.C."))
FACILITIES = frozenset(("White House", "Pentagon", "Kremlin", "Downing Street", "Elysee Palace", "Capitol Hill"))
ORG_NAMES = frozenset(("Kremlin", "Pentagon", "White House", "Downing Street", "Capitol Hill"))

STOPWORDS = frozenset("""
A An The This That These Those There Their They Them He She It Its His Her Hers We Us Our You Your I Me My Mine Who Whom
Everyone Everybody Everything Someone Somebody Something Anyone Anybody Anything Nobody Nothing None Whoever Whatever
Whose Which What When Where Why How Is Are Was Were Be Been Being Am Do Does Did Done Have Has Had Having Will Would
Shall Should Can Could May Might Must Not No Yes Nor And Or But If Then Else Because Since As At By For From In Into On
Onto Of Off Out Over Under Up Down To Toward Towards With Without Within About Above Across After Against Along Amid
Among Around Before Behind Below Beneath Beside Besides Between Beyond During Except Inside Near Outside Past Per
Through Throughout Till Until Upon Via While Whether Although Though Even Also Only Just Still Yet Already Again Here
Now Today Tomorrow Yesterday Tonight Meanwhile However Moreover Furthermore Nevertheless Therefore Thus So Such Some Any
All Both Each Every Either Neither Many Much More Most Few Fewer Less Least Other Others Another Same Several One Two
Three Four Five Six Seven Eight Nine Ten First Second Third Last Next New Old Big Small Great High Low Long Short Early
Late Recent Recently Following According Despite Instead Rather Well Very Too Quite Almost Perhaps Maybe Indeed Let Lets
Please Thanks Thank Hello Hi Dear Read Watch Listen See Click Share Follow Subscribe Sign Log Home Menu Search Contact
About Privacy Terms Source Sources Photo Photos Video Videos Image Images Copyright Updated Published Posted Editor
Editorial Opinion Analysis Comment Comments Breaking Live Exclusive Update Politics Business World Economy Sport Sports
Culture Science Technology Health Opinion Overview Summary Background Introduction Conclusion Note Notes Related Tags
January February March April May June July August September October November December Monday Tuesday Wednesday Thursday
Friday Saturday Sunday Mon Tue Wed Thu Fri Sat Sun Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec
War Peace Talks Deal Plan Ceasefire Sanctions Minister President Government State States Side Front Line Table Menu
""".split())

# Head words of geographic names: "Bonin Islands", "Black Sea", "Donetsk Oblast".
LOC_HEADS = frozenset("""
Island Islands Isles Sea Ocean River Mountains Mountain Mount Lake Bay Gulf Peninsula Strait Straits Valley Desert
Plateau Plain Plains Basin Coast Canal Forest Highlands Steppe Delta Cape Archipelago
""".split())
EVENT_HEADS = frozenset("War Wars Summit Conference Olympics Games Revolution Crisis Forum Election Elections "
                        "Cup Championship Festival Offensive Counteroffensive Invasion".split())
LAW_HEADS = frozenset("Treaty Agreement Agreements Accord Accords Act Protocol Charter Memorandum Convention "
                      "Constitution Resolution Directive Code".split())
GPE_HEADS = frozenset("Oblast Province Region District County City State Republic Kingdom Emirate Territory Krai "
                      "Prefecture Governorate Canton Municipality Village Town".split())

# Lower-case words that may sit inside a name ("Bank of Russia", "Ludwig van Beethoven").
# "and" is not one: "China and India" are two names.
CONNECTORS = frozenset(("of", "the", "for", "de", "del", "da", "di", "von", "van", "der", "al", "bin", "la", "le", "du", "&"))

ORG_CONNECTORS = frozenset(("of", "the", "for", "and", "&"))   # not in personal names (unlike von, de, bin)

_CJK = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")
# Latin letters with their accented forms (Söder, Erdoğan, Kraków), not only ASCII.
_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
_WORD = re.compile(rf"[{_LETTER}][{_LETTER}0-9.'’\-&]*[{_LETTER}0-9.]|[{_LETTER}]")
_SENT_END = re.compile(r"[.!?:;\"“”()\[\]|•–—]\s*$")


_COMMODITY_AFTER = re.compile(r"\s+(?:crude|oil|blend|grade)\b", re.IGNORECASE)
# Russian agency and company names: Rosstat, Rosneft, Rosatom, Roscosmos; Sberbank, Gazprom, Lukoil, Aeroflot
_ORG_WORD = re.compile(r"^(?:Ros[a-z]{3,}|[A-Z][a-z]+(?:bank|neft|prom|stat|atom|kosmos|tech|com|oil|gaz|flot|energo))$")
# Common nouns that an appositive name stands for: "the statistics service, Rosstat, said"
_ORG_APPOSITION = re.compile(
    r"\b(?:service|agency|company|firm|ministry|bank|operator|regulator|office|producer|exporter|giant|group|"
    r"broadcaster|exchange|outlet|newspaper|watchdog|body|monopoly|utility|insurer|lender|carrier|airline|"
    r"network|platform|app|fund),\s*$")
_ARTICLE_BEFORE = re.compile(r"\b(?:the|a|an|The|A|An|this|that|our|their|its)\s+$")


def _dictionary_label(word: str) -> str | None:
    """GPE, PERSON or ORG when the name dictionary (JMnedict) glosses a katakana name with this
    word and all its readings agree: Surat -> スーラト (a place), Dmitriev -> ドミトリエフ (a man),
    Reuters -> ロイター (a company, also a surname)."""
    from reader.nlp.features import _names_lookup

    if _names_lookup() is None:         # the name dictionary is not installed
        return None
    from reader.nlp import names

    kinds = {names.LABEL_OF_TYPE.get(t) for k in names.katakana_for(word) for t in names.name_types(k)}
    kinds.discard(None)
    if kinds in ({"GPE"}, {"PERSON"}, {"ORG"}):
        return kinds.pop()
    if kinds == {"ORG", "PERSON"}:
        # a company that is also a surname (Reuters, Bloomberg, Siemens): standing alone, the
        # company; the person comes with a first name or title, which makes a longer run
        return "ORG"
    return None


def _is_given_name(word: str) -> bool:
    """The name dictionary knows ``word`` as a given name (Christian, not Russian)."""
    from reader.nlp.features import _names_lookup

    if _names_lookup() is None:
        return False
    from reader.nlp import names

    return any(names.name_types(k) & {"given", "masc", "fem"} for k in names.katakana_for(word))


def _person_or_not(line: str, start: int, end: int) -> str | None:
    """A lone capitalised word no dictionary knows: a surname unless its context says otherwise.

    "weaning the Motherland off coal": a name after an article is not a person;
    "the statistics service, Rosstat, reported": an appositive of an organisation noun is one."""
    before = line[max(0, start - 60):start]
    if _ORG_APPOSITION.search(before):
        return "ORG"
    if _ARTICLE_BEFORE.search(before):
        return None
    return "PERSON"


def _countries() -> tuple[frozenset, frozenset]:
    names = set()
    subdivisions = set()
    try:
        import pycountry

        for c in pycountry.countries:
            for attr in ("name", "common_name", "official_name"):
                v = getattr(c, attr, None)
                if v and "," not in v:
                    names.add(v)
        for s in pycountry.subdivisions:
            if s.type in ("State", "Province", "Region", "Oblast", "Republic", "Autonomous republic",
                          "Federal district", "City", "Autonomous city", "Canton", "Land", "Prefecture",
                          "Emirate", "Governorate", "County"):
                if s.name and "," not in s.name and s.name.isascii():
                    subdivisions.add(s.name)
    except Exception:  # pycountry missing: fall back to the tables above
        pass
    names.update(("Russia", "America", "Britain", "Great Britain", "England", "Scotland", "Wales", "Korea",
                  "North Korea", "South Korea", "Iran", "Syria", "Vietnam", "Laos", "Moldova", "Taiwan",
                  "Palestine", "Kosovo", "Vatican", "Bolivia", "Venezuela", "Tanzania", "Czechia",
                  "Congo", "Turkey", "United States", "United Kingdom", "Soviet Union"))
    return frozenset(names), frozenset(subdivisions)


# The only words Title Case leaves in lower case; a sentence with any other lower-case word
# ("German Chancellor Friedrich Merz met French President Emmanuel Macron") is no headline.
_TITLE_CASE_MINOR = frozenset("a an the and or but nor of in on at to for by with from as via vs per into onto over".split())

_COMPASS = frozenset(("North", "South", "East", "West"))

_ABBREVIATIONS = frozenset("Jr Sr St Co Inc Ltd Corp Bros No Nos vs etc Mt Ft Ave Blvd Dept Univ Assn".split())


def _ends_sentence(word: str) -> bool:
    """'Moscow.' and 'GDP.' end a sentence; 'Mr.', 'U.S.', 'Gen.', 'J.', 'Inc.' do not."""
    if not word.endswith("."):
        return False
    core = word[:-1]
    return "." not in core and len(core) > 1 and core not in TITLES and core + "." not in TITLES \
        and core not in _ABBREVIATIONS


def _possessive(word: str) -> bool:
    return word.endswith(("'s", "’s"))


class EnglishExtractor:
    def __init__(self, tokenizer=None) -> None:
        self.tok = tokenizer          # JaTokenizer, used as a gazetteer of known names
        self.countries, self.subdivisions = _countries()
        self._lookup_cache: dict[str, tuple | None] = {}
        self.known_people: dict[str, str] = {}    # surname -> label, learnt within one call
        self.known_products: set[str] = set()      # oil grades (Urals, Brent), learnt within one call

    def begin_document(self) -> None:
        """Forget the names learnt from the previous document."""
        self.known_people = {}
        self.known_products = set()

    # ------------------------------------------------------------------
    def _sudachi(self, word: str) -> tuple | None:
        if self.tok is None:
            return None
        hit = self._lookup_cache.get(word, ())
        if hit == ():
            try:
                hit = self.tok.lookup_pos(word)
            except Exception:
                hit = None
            if len(self._lookup_cache) > 50_000:
                self._lookup_cache.clear()
            self._lookup_cache[word] = hit
        return hit

    def _gpe(self, phrase: str) -> str | None:
        if phrase in FACILITIES:
            return "FAC" if phrase not in ORG_NAMES else "ORG"
        if phrase in self.countries or phrase in CITIES or phrase in CITY_PHRASES or phrase in self.subdivisions:
            return "GPE"
        if phrase in rules.REGIONS_EN:
            return "LOC"
        return None

    def _type_single(self, w: str, sentence_start: bool, headline: bool, followed: bool = True) -> str | None:
        if w in DEMONYMS:
            return "NORP"
        g = self._gpe(w)
        if g:
            return g
        if w.isupper() and len(w) > 1:
            tw = w.title()
            g = self._gpe(tw)
            if g:
                return g
            if w in GPE_ACRONYMS or w.replace(".", "") in GPE_ACRONYMS:
                return "GPE"
            if w in NOT_ENTITY_ACRONYMS or len(w.replace(".", "")) > 5:
                return None
            return "ORG"
        if w in self.known_people:
            return "PERSON"
        if "-" in w and not all(part[:1].isupper() for part in w.split("-")):
            return None         # Low-cost, Kremlin-backed
        if w in STOPWORDS or w in TITLES or w in ORG_HEADS:
            return None
        if _ORG_WORD.match(w):
            return "ORG"
        pos = self._sudachi(w)
        if pos is None and len(w) > 4 and w.endswith("s"):
            # a plural of a known word: "Buyers" (common noun), "Urals" (place)
            pos = self._sudachi(w[:-1]) or (self._sudachi(w[:-2]) if w.endswith("es") else None)
        known = _dictionary_label(w) if pos is None or pos[1] == "固有名詞" else None
        if known:
            return known        # the name dictionary's types beat Sudachi's guess (Sony: a company)
        if pos is not None and pos[1] == "固有名詞":
            if pos[2] == "地名":
                return "GPE"
            if pos[2] == "人名":
                return "PERSON"
            if pos[2] == "組織名":
                return "ORG"
        if headline or w.endswith("ly"):
            return None
        if sentence_start and len(w) > 4 and w.endswith(("ed", "ing")):
            return None         # Asked, Speaking: a verb form the name dictionary does not know
        if sentence_start:
            # a capital here says little ("Largely, ...", "Buyers, ..."): an unknown word is
            # taken as a name only when the sentence goes straight on ("Putin met ...")
            return "PERSON" if pos is None and followed else None
        # mid-sentence, a capitalised word the dictionaries do not know is most often a surname
        return "PERSON" if pos is None or pos[1] in ("普通名詞", "固有名詞") else None

    def _type_multi(self, words: list[str]) -> str | None:
        phrase = " ".join(words)
        g = self._gpe(phrase)
        if g:
            return g
        last = words[-1]
        if last in ORG_HEADS or last.title() in ORG_HEADS or words[0] in ORG_LEADS and "of" in words:
            return "ORG"
        if last in LOC_HEADS:
            return "LOC"
        if last in GPE_HEADS:
            return "GPE"
        if words[0] in DEMONYMS and last in ORG_HEADS:
            return "ORG"
        if all(w.isupper() for w in words):
            return "ORG"
        if last in EVENT_HEADS:
            return "EVENT"
        if last in LAW_HEADS:
            return "LAW"
        if any(w in ORG_CONNECTORS for w in words) or len(words) > 5:
            return "ORG"
        if len(words) == 2 and words[0] in _COMPASS and last in DEMONYMS:
            return "NORP"                   # North Korean
        if self._gpe(last) == "GPE" and words[0] in _COMPASS | {"New", "Central"}:
            return "GPE"
        if self._place_then_name(words):
            return "ORG"
        # a personal name: no common capitalised words, no places, and at least one part
        # that is a known given/family name or a word the dictionary does not know
        if any(w in STOPWORDS or w in TITLE_MODIFIERS or self._gpe(w)
               or (w in DEMONYMS and not (k == 0 and _is_given_name(w))) for k, w in enumerate(words)):
            return None
        looks = [self._sudachi(w) for w in (words[0], words[-1])]
        if any(p is None or (p[1] == "固有名詞" and p[2] == "人名") for p in looks):
            return "PERSON"
        return None

    def _place_before_title(self, head: list[tuple]) -> tuple[int, int, str] | None:
        """A place of several words before a title: "New York Governor", "South Korean President"
        is a demonym, "New York" a place."""
        for k in range(len(head) - 1, 1, -1):
            label = self._gpe(" ".join(w for _, _, w in head[:k]))
            if label:
                return (head[0][0], head[k - 1][1], label)
        if len(head) > 2 and head[0][2] in _COMPASS and head[1][2] in DEMONYMS:
            return (head[0][0], head[1][1], "NORP")      # South Korean
        return None

    def _place_then_name(self, words: list[str]) -> bool:
        """A place followed by other capitalised words that are no place, title or people:
        a newspaper, club or firm named after its city (Kyiv Independent, New York Times)."""
        for k in range(len(words) - 1, 0, -1):
            if self._gpe(" ".join(words[:k])):
                rest = words[k:]
                return not any(self._gpe(w) or w in DEMONYMS or w in TITLES or w in STOPWORDS
                               or w in self.known_people for w in rest)
        return False

    # ------------------------------------------------------------------
    def _commodities(self, line: str, names: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
        """A name directly before crude/oil/blend is a grade of oil, not a place or a person
        ("Urals crude", "Brent oil"); the rest of the document reads it the same way."""
        out = []
        for s, e, lab in names:
            surface = line[s:e]
            if lab in ("GPE", "LOC", "PERSON", "ORG") and surface not in self.countries \
                    and surface not in DEMONYMS and _COMMODITY_AFTER.match(line, e):
                self.known_products.add(surface)
            if surface in self.known_products:
                lab = "PRODUCT"
            out.append((s, e, lab))
        return out

    def extract_line(self, line: str) -> list[tuple[int, int, str]]:
        nums = rules.numeric_en(line)
        if _CJK.search(line):
            # 1821年8月31日 inside an English line
            ja = rules.numeric_ja(line)
            nums = [n for n in nums if not any(n[0] < j[1] and j[0] < n[1] for j in ja)] + ja
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(line)]
        if not words:
            return nums
        # Title Case headline ("Russia Says Talks With US Are Productive"): capitals say little.
        # A long name ("Karl Emil Maximilian Weber") has no capitalised function words.
        caps = [w for w in words if w[2][0].isupper()]
        headline = len(words) >= 4 and len(caps) >= 0.6 * len(words) and \
            any(w[2] in STOPWORDS for w in caps[1:]) and \
            not any(w[2][0].islower() and w[2] not in _TITLE_CASE_MINOR for w in words)
        names = []
        i = 0
        n = len(words)
        while i < n:
            s, e, w = words[i]
            if not w[0].isupper():
                i += 1
                continue
            # a run of capitalised words, possibly joined by connectors
            run = [i]
            j = i + 1
            while j < n:
                if _ends_sentence(words[j - 1][2]) or _possessive(words[j - 1][2]):
                    break
                gap = line[words[j - 1][1]:words[j][0]]
                if gap not in (" ", "\u3000", "-", " - ") and gap != "":
                    break
                wj = words[j][2]
                if wj[0].isupper():
                    run.append(j)
                    j += 1
                elif wj in CONNECTORS and j + 1 < n and words[j + 1][2][0].isupper() \
                        and line[words[j][1]:words[j + 1][0]] in (" ", "\u3000"):
                    run.extend((j, j + 1))
                    j += 2
                else:
                    break
            before = line[:s].rstrip()
            sentence_start = not before or bool(_SENT_END.search(before))
            names.extend(self._split_run(line, [words[k] for k in run], sentence_start, headline))
            i = j
        names = self._commodities(line, names)
        # names win over numbers they overlap (months are in STOPWORDS, so rarely)
        out = list(names)
        for r in nums:
            if not any(r[0] < x[1] and x[0] < r[1] for x in names):
                out.append(r)
        out.sort()
        return out

    def _split_run(self, line: str, run: list[tuple], sentence_start: bool, headline: bool):
        """Type one capitalised run, peeling titles and demonyms off its front."""
        out: list[tuple[int, int, str]] = []
        # strip possessive 's from the last word
        words = []
        for s, e, w in run:
            if w.endswith(("'s", "’s")):
                w, e = w[:-2], e - 2
            if w.endswith(".") and "." not in w[:-1] and w[:-1] not in _ABBREVIATIONS and w not in TITLES:
                w = w[:-1]          # sentence full stop, not part of the name (but U.S., Inc., Mr.)
            e = s + len(w)
            words.append((s, e, w))
        # drop leading stop words at sentence start ("The", "After")
        while words and words[0][2] in STOPWORDS and words[0][2] not in TITLES \
                and not (len(words) > 1 and self._gpe(words[0][2] + " " + words[1][2])):   # New York
            words = words[1:]
            # "Related Info": the word after a capitalised stop word is still capitalised
            # as a heading or sentence start, which says little about it
            sentence_start = sentence_start or len(words) == 1
        if not words:
            return out
        # title split: everything after the last title word is a person
        last_title = -1
        for k, (_, _, w) in enumerate(words):
            if w in TITLES:
                last_title = k
        if last_title >= 0:
            head = words[:last_title + 1]
            tail = words[last_title + 1:]
            while tail and (tail[0][2] in CONNECTORS or tail[0][2] in TITLE_MODIFIERS):
                tail = tail[1:]
            # a demonym or place before the title: "Russian President", "US Secretary"
            first = head[0][2]
            place = self._place_before_title(head)
            if place:
                out.append(place)
            elif first not in TITLES and first not in TITLE_MODIFIERS | {"Former"} or first in DEMONYMS:
                lab = self._type_single(first, sentence_start, headline)
                if lab in ("NORP", "GPE", "ORG"):
                    out.append((head[0][0], head[0][1], lab))
            elif first in ("US", "U.S."):
                out.append((head[0][0], head[0][1], "GPE"))
            if tail and all(w[0].isupper() for _, _, w in tail):
                out.append((tail[0][0], tail[-1][1], "PERSON"))
                self.known_people[tail[-1][2]] = "PERSON"
            return out
        # demonym at the front of a longer run: "Russian Defense Ministry" stays whole (ORG head);
        # "Russian Vladimir Putin" splits
        ws = [w for _, _, w in words]
        if len(words) > 1 and ws[0] in DEMONYMS and ws[-1] not in ORG_HEADS \
                and not (len(words) == 2 and _is_given_name(ws[0])):      # Christian Lindner
            out.append((words[0][0], words[0][1], "NORP"))
            words = words[1:]
            ws = ws[1:]
            sentence_start = False
        while words and words[-1][2] in CONNECTORS:
            words = words[:-1]
            ws = ws[:-1]
        if not words:
            return out
        if len(words) == 1:
            rest = line[words[0][1]:]
            followed = bool(re.match(r"(?:['’]s)?\s+[a-z]", rest))
            lab = self._type_single(ws[0], sentence_start, headline, followed)
            if lab == "PERSON" and ws[0] not in self.known_people:
                lab = _person_or_not(line, words[0][0], words[0][1])
        else:
            if headline and self._gpe(" ".join(ws)) is None:
                # Title Case headline: only gazetteer hits, word by word
                for s, e, w in words:
                    lab = self._type_single(w, True, True)
                    if lab:
                        out.append((s, e, lab))
                return out
            lab = self._type_multi(ws)
            if lab == "PERSON":
                self.known_people[ws[-1]] = "PERSON"
        if lab:
            out.append((words[0][0], words[-1][1], lab))
        return out
