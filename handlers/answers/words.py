"""Words of questions and of the article, reduced to what ranking and coverage compare: concepts.

A concept is a Snowball stem ("proposed" and "proposal" are both "propos"), and words a reader
uses for the same thing are mapped onto one stem ("led", "heads", "in charge of" -> "lead";
"U.S.", "America" -> "usa"). Russian, Ukrainian and Turkish words are transliterated (anyascii)
and mapped by their beginnings onto the same English concepts, for the common question shapes.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

import Stemmer
from anyascii import anyascii

_STEMMER = Stemmer.Stemmer("english")

# Words that carry no topic: function words, and the words readers put around a question.
STOPWORDS = frozenset("""
a about above after again against all also am an and any anything are aren around as at be because
been before being below between both but by can cannot could couldn d did didn do does doesn doing
don down during each either else even ever every few for from further get gets getting give given
going gonna got had hadn has hasn have haven having he her here hers herself him himself his how i
if in into is isn it its itself just let ll m may me might more most much must my myself need no
nor not now o of off on once one only or other our ours ourselves out over own please re really
s same shall she should so some something such t than that the their theirs them themselves then
there these they this those through to too under until up upon us ve very want was wasn way we
were weren what whats when where whether which while who whom whose why will with wont would wouldn
y yet you your yours yourself hey hi ok okay pls plz thanks thank-you tell know explain mean means
meant exactly actually basically briefly quickly simply simple terms words detail details info
information bit little kind sort like think thinks thought going happen happens
happened happening take place took taking held hold holding be anyone someone somebody anybody
people person thing things stuff anything everything question answer bot article story news
report reported briefing regarding concerning im ive id youre dont cant doesnt didnt isnt wont deal
play plays played playing seem seems look looks behind
saying tells telling told speak speaks
speaking spoke spoken
""".split())

# Words that make a question a question; they are never content.
QUESTION_WORDS = frozenset("""
who whom whose whos when whens where wheres why whys what whats which how hows
wat wht wen wher whn hwo
""".split())

# Stems that may go unmatched without weakening an answer: a question's manner, not its topic.
WEAK = frozenset({
    "stanc", "view", "opinion", "react", "reaction", "feel", "comment", "respons", "respond",
    "posit", "role", "date", "day", "time", "purpos", "plan", "expect", "next", "exact", "main",
    "current", "latest", "now", "today", "new", "specif", "offici", "realli", "number", "mani",
    "much", "involv", "part", "import", "key", "chang", "differ", "consid", "tri", "do", "did",
    "make", "made", "come", "came", "want", "wish", "real", "point", "reason", "say",
})

# Readers' words for the article's concepts. The first word of each group is the concept.
_GROUPS = """
talk talks negotiation negotiations negotiate negotiating discussion discussions dialogue summit round rounds
talk peace-talks meeting meetings
lead leads led leading leader leaders head heads headed heading chief chair chairs chaired
lead spearhead spearheads spearheading helm in-charge-of chairman chairwoman chairperson chairmen
meet meets met
visit visits visited trip trips travel travels travelled traveled journey go goes went gone came-to
purpos aim aims goal goals reason reasons objective objectives intent intention why-did
fail fails failed failure collapse collapses collapsed breakdown break-down fall-apart falls-apart
fail unsuccessful broke-down breaks-down broken-down breaking-down
succeed succeeds success successful fruitful work-out works-out
host hosts hosting hosted venue
organis organise organize organises organizes organising organizing organised organized organiser organizer
organis organisers organizers
strike strikes striking struck walkout walkouts walk-out stoppage stoppages industrial-action
end ends ended ending finish finishes finished conclude concludes concluded
thank thanks thanked gratitude grateful
usa us u.s. u.s america american americans united-states washington
russia russian russians kremlin moscow
turkey turkish turkiye
ukrain ukraine ukrainian ukrainians
sanction sanctions sanctioned penalty penalties
memorandum memorandums memo memos document documents paper
war wars conflict conflicts invasion invade invaded fighting
propos propose proposes proposed proposal proposals offer offered suggestion
announc announce announces announced announcement announcements declare declared unveil unveiled
delegation delegations delegate delegates negotiator negotiators team envoy envoys
loss losses death deaths die died dying killed casualties casualty dead lives
displac displace displaced displacement refugee refugees
hope hopes hopeful optimism optimistic prospect prospects chance chances
mediat mediator mediators mediate mediation broker brokering intermediary
critic critics criticism criticisms criticise criticize criticised criticized accuse accused accusation
disappoint disappointed disappointment displeasure unhappy upset angry frustrated frustration
caution cautious careful wary hesitant reluctant
present presents presented presenting presentation bring brings brought
prepar prepare prepared prepares preparing drafted draft
aide aides adviser advisers advisor advisors assistant
presid president presidents
minist minister ministers
foreign foreign-affairs
start starts started begin begins began beginning
militari military army troops attacks attack
sincer sincerity sincere genuine genuinely serious seriously honest
import important importance pivotal crucial vital significant significance critical key matter matters
say said says saying stated state states emphasized emphasised suggested suggesting indicated noted
say stressed remarked talk-about talked-about talks-about spoke-about speak-about spoken-about
chang change changes changed alter alters altered shift shifts transform reshape
role roles job jobs occupation profession
fail go-wrong goes-wrong went-wrong gone-wrong
"""

# Concepts near enough that an article's word may answer a reader's when the reader's own word
# finds nothing: "criticised Putin" is answered by "expressed disappointment with Putin", "are
# operations cancelled?" by "operations would be postponed". The answer shows the article's
# word, so the reader sees what it says, never the question's word put in its mouth.
NEAR: dict[str, frozenset[str]] = {
    "critic": frozenset({"disappoint", "accus", "condemn"}),
    "cancel": frozenset({"postpon", "delay", "suspend"}),
    "postpon": frozenset({"cancel", "delay"}),
    "protest": frozenset({"march", "demonstr", "ralli", "strike"}),
    "demonstr": frozenset({"march", "protest", "ralli"}),
    "delegation": frozenset({"repres"}),
    "repres": frozenset({"delegation"}),
}

# Beginnings of transliterated Russian, Ukrainian and Turkish words, and the concept each is.
_FOREIGN = {
    "peregovor": "talk", "perehovor": "talk", "vstrech": "meet", "zustrich": "meet", "muzakere": "talk",
    "gorusme": "talk", "vozglav": "lead", "ocholyu": "lead", "ocholi": "lead", "rukovod": "lead",
    "kerivn": "lead", "glav": "lead", "holov": "lead", "bashkan": "presid", "baskan": "presid",
    "yonet": "lead", "delegats": "delegation", "delehats": "delegation", "heyet": "delegation",
    "sanktsi": "sanction", "yaptirim": "sanction", "memorandum": "memorandum", "mutabakat": "memorandum",
    "konu": "stake", "stavk": "stake", "pozits": "posit", "prezident": "presid", "cumhurbaskan": "presid",
    "ministr": "minist", "bakan": "minist", "vizit": "visit", "poezdk": "visit", "poyizdk": "visit",
    "ziyaret": "visit", "predlozh": "propos", "zaproponu": "propos", "propozits": "propos",
    "oneri": "propos", "obyavi": "announc", "ogolos": "announc", "anons": "announc", "duyur": "announc",
    "voin": "war", "viin": "war", "voyn": "war", "viyn": "war", "savas": "war",
    "tsel": "purpos", "meta": "purpos", "amac": "purpos",
    "proval": "fail", "neudach": "fail", "nevdach": "fail", "basarisiz": "fail", "uspekh": "succeed",
    "uspikh": "succeed", "basari": "succeed", "rossi": "russia", "rosi": "russia", "rus": "russia",
    "ukrain": "ukrain", "ukrayn": "ukrain", "turts": "turkey", "turech": "turkey", "turk": "turkey",
    "ssha": "usa", "amerik": "usa", "abd": "usa", "stambul": "istanbul", "istanbul": "istanbul",
    "moskv": "russia", "moskov": "russia", "skaza": "say", "zayavi": "say", "zaiavy": "say",
    "dumae": "think", "dumaye": "think", "khoche": "want", "khochu": "want", "khotyat": "want",
}

# Question words of other languages, by the kind of question they open (transliterated).
FOREIGN_KINDS: tuple[tuple[str, str], ...] = (
    ("chto budet esli", "whatif"), ("shcho bude yakshcho", "whatif"), ("ne olur", "whatif"),
    ("kto", "who"), ("khto", "who"), ("kim", "who"), ("kimin", "who"), ("kimdir", "who"),
    ("kogda", "when"), ("koly", "when"), ("koli", "when"), ("ne zaman", "when"), ("kakogo chisla", "when"),
    ("gde", "where"), ("de", "where"), ("kuda", "where"), ("nerede", "where"), ("nerde", "where"),
    ("v kakom gorode", "where"), ("v yakomu misti", "where"), ("hangi sehirde", "where"),
    ("pochemu", "why"), ("zachem", "why"), ("chomu", "why"), ("navishcho", "why"), ("neden", "why"),
    ("niye", "why"), ("nicin", "why"),
    ("skolko", "howmany"), ("skilky", "howmany"), ("skilki", "howmany"), ("kac", "howmany"),
    ("skol'ko", "howmany"), ("skil'ki", "howmany"),  # "сколько", "скільки" as anyascii spells them
    ("chto", "what"), ("shcho", "what"), ("ne", "what"), ("kakoi", "what"), ("yakyi", "what"),
    ("kakoy", "what"), ("kakaya", "what"), ("yakiy", "what"), ("yaka", "what"),
)
# Function words of Russian and Ukrainian, written as readers write them: they carry no topic in a
# question, nor in the deck's translated wording.
_CYRILLIC_STOPWORDS = """
и й а но или да не ни же ли бы в во на с со к ко от из за по о об обо при для без под над через между
до у что чтобы как какой какая какое какие каков какова каковы который которая которое которые
которого которой которым он она оно они его её ее их им ему ей свой своя своё свои своих своей это
этот эта эти тот та те то был была было были будет будут быть есть может могут уже ещё еще так также
тоже весь вся всё все всех такой такая такое такие думает думают считает считают
і й та а але або чи не ні ж би б в у на з із зі до від за по про для без під над через між що щоб як
який яка яке які якого якої яким він вона воно вони його її їх їм йому їй свій своя своє свої своїх
своєї це цей ця ці той та ті те був була було були буде будуть бути є може можуть вже ще так також
теж весь вся все всі всіх такий така таке такі щодо думає думають вважає вважають
"""
FOREIGN_STOPWORDS = frozenset("""
takoy takoi takaya takiy takyi takа eto tse yavlyaetsya ye v vo na i a u o ob pro s z iz do po za
li chy bude budut budet proidut proydut proyde projdut proydet prokhodyat vidbudetsya vidbuvayut
sostoyatsya sostoitsya mistse mesto bir mi mu mı bu ve ile icin kadar olacak olan oldu var yok
""".split()) | frozenset(anyascii(w).lower() for w in _CYRILLIC_STOPWORDS.split())

OPENING = 6  # letters of a Russian or Ukrainian word kept as its stem (see foreign_word)
FOREIGN_QUESTION_WORDS = frozenset(phrase for phrase, _kind in FOREIGN_KINDS if " " not in phrase)
NATIONS = frozenset({"russia", "ukrain", "turkey", "usa"})  # the concepts that tell one side from another
_TOKEN = re.compile(r"[a-z0-9]+(?:[.'_][a-z0-9]+)*\.?")
_USA_BEFORE = frozenset("president stance position sanctions government administration actions "
                        "relations officials side view reaction response".split())


def _concepts() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _GROUPS.strip().splitlines():
        head, *words = line.split()
        for word in (head, *words):
            table[word.replace("-", " ")] = head.replace("-", " ")
    return table


CONCEPTS = _concepts()
_PHRASES = sorted((w for w in CONCEPTS if " " in w), key=len, reverse=True)
_PHRASE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in _PHRASES) + r")\b")


def ascii_lower(text: str) -> str:
    return (text if text.isascii() else anyascii(text)).lower().replace("’", "'")


def stem(word: str) -> str:
    """The Snowball stem of a lower-case ASCII word, with no mapping of readers' words."""
    found: str = _STEMMER.stemWord(word.removesuffix("'s").rstrip(".'"))
    return found


@lru_cache(maxsize=8192)
def concept(word: str) -> str:
    """The concept of one lower-case ASCII word: its group's head, else its stem."""
    word = word.removesuffix("'s").rstrip(".'")
    if word in CONCEPTS:
        return CONCEPTS[word]
    stem: str = _STEMMER.stemWord(word)
    return CONCEPTS.get(stem, stem)


def foreign_concept(word: str) -> str | None:
    """The concept of a transliterated Russian, Ukrainian or Turkish word, if the glossary has it."""
    for begin in range(min(len(word), 12), 2, -1):
        found = _FOREIGN.get(word[:begin])
        if found is not None:
            return found
    return None


def words(text: str) -> list[str]:
    """Lower-case ASCII words of `text`, multi-word expressions joined ("in charge of")."""
    lowered = _PHRASE.sub(lambda m: m.group(0).replace(" ", "_"), ascii_lower(text))
    return [w.replace("_", " ") for w in _TOKEN.findall(lowered)]


def tokens(text: str) -> list[str]:
    """Concepts of the content words of `text` (stopwords dropped), in order, repeats kept."""
    out: list[str] = []
    seq = words(text)
    for i, word in enumerate(seq):
        if is_usa(seq, i):
            out.append("usa")
            continue
        bare = word.removesuffix("'s").rstrip(".'")
        if not bare or bare in STOPWORDS or bare in QUESTION_WORDS:
            continue
        out.append(concept(bare))
    return out


@lru_cache(maxsize=8192)
def foreign_word(word: str) -> str:
    """The concept of a transliterated Russian or Ukrainian word: the glossary's, else its opening.

    Endings change with case and person ("встретились", "встретился"); the opening letters that
    stay are a stem good enough to tell one word of a short deck from another.
    """
    return foreign_concept(word) or word[:OPENING]


def foreign_tokens(text: str) -> list[str]:
    """Concepts of the content words of Russian or Ukrainian `text` (a deck's translated wording)."""
    return [foreign_word(w) for w in words(text)
            if w not in STOPWORDS and w not in FOREIGN_STOPWORDS and w not in FOREIGN_QUESTION_WORDS]


def sides(concepts: list[str]) -> set[tuple[str, str]]:
    """(side, thing) pairs: "the Russian delegation" -> ("russia", "delegation")."""
    return {(a, b) for a, b in itertools.pairwise(concepts) if a in NATIONS and b not in NATIONS}


def is_usa(seq: list[str], i: int) -> bool:
    """ "U.S.", "the US", "US sanctions": the country, not the pronoun "us"."""
    word = seq[i]
    if word in ("u.s", "u.s."):
        return True
    before_noun = i + 1 < len(seq) and seq[i + 1] in _USA_BEFORE
    return word == "us" and (before_noun or (i > 0 and seq[i - 1] == "the"))
