"""The English words the drafter's rules stand on: roles, function words, organisations, events."""

from __future__ import annotations

import re
from dataclasses import dataclass

ROLES = frozenset("""
minister president chairman chairwoman chairperson chair spokesperson spokesman spokeswoman secretary
chancellor premier mayor governor senator congressman congresswoman ambassador envoy aide adviser advisor
leader head director chief ceo cfo founder co-founder general commander judge justice king queen prince
princess pope official negotiator economist analyst professor manager coach captain deputy representative
mp lawmaker legislator attorney prosecutor lawyer mediator organiser organizer convenor steward nurse
teacher doctor researcher scientist author correspondent editor reporter treasurer commissioner inspector
officer sergeant colonel lieutenant admiral sheikh emir president-elect vice-president administrator
executive boss owner candidate activist delegate diplomat secretary-general speaker councillor councilor
rector dean bishop archbishop cardinal rabbi imam superintendent sheriff chairmen spokesmen ministers
presidents counterpart
""".split())
HONORIFICS = frozenset("mr mrs ms miss dr prof sir dame lord lady".split())
STOPWORDS = frozenset("""
a an the and or but nor so yet for of in on at to from by with without about above after against along
among around as before behind below beneath beside between beyond during except inside into like near off
onto out outside over past since through throughout till toward towards under until up upon via within
i you he she it we they me him her us them my your his its our their this that these those who whom whose
which what when where why how all any both each few more most other some such no not only own same than
too very can will just should would could may might must shall is are was were be been being have has had
having do does did said says say told tells according also while if then there here however meanwhile
despite amid although though because whether once after later earlier yesterday today tomorrow
""".split())
ORGANISATION = frozenset("""
ministry union party council association federation confederation company inc ltd llc corp corporation
group bank university college agency committee commission court parliament government office department
news times post airlines airline airport hospital school street square avenue road hall centre center
palace house institute foundation fund organization organisation alliance coalition front movement
church club team fc nations states republic kingdom congress senate assembly board authority service
forces army navy police guard cabinet embassy museum stadium festival summit conference talks
""".split())
PARTICLES = frozenset("de del della da do dos das di du van von der den ter ten al el bin ibn la le".split())
REPORTING = frozenset("""
said says told tells announced announces added adds wrote writes warned warns stated states argued argues
explained explains noted notes insisted insists claimed claims urged urges asked asks called calls
confirmed confirms denied denies declared declares replied replies stressed stresses emphasized
emphasised emphasises emphasizes met meets signed signs proposed proposes accused accuses thanked
highlighted expressed conveyed
""".split())
# Nouns that name an event, and the verbs whose event they name ("announced" -> an announcement).
EVENT_NOUNS = frozenset("""
talks negotiations summit meeting meetings conference strike strikes walkout protest protests
demonstration march rally vote election elections referendum ballot hearing trial verdict ruling
announcement visit launch opening ceremony festival match final race concert exhibition session debate
deadline inauguration funeral auction sale release congress forum ceasefire truce round agreement deal
signing
""".split())
EVENT_VERBS = {
    "announced": "announcement", "announces": "announcement", "announce": "announcement",
    "visited": "visit", "visits": "visit", "visit": "visit", "met": "meeting", "meet": "meeting",
    "meets": "meeting", "signed": "signing", "sign": "signing", "voted": "vote", "vote": "vote",
    "strike": "strike", "struck": "strike", "protested": "protest", "protest": "protest",
    "launched": "launch", "launch": "launch", "opened": "opening", "open": "opening", "opens": "opening",
    "resigned": "resignation", "elected": "election", "agreed": "agreement", "ruled": "ruling",
    "walk": "walkout", "march": "march", "marched": "march", "convene": "meeting", "convened": "meeting",
}
FUTURE = re.compile(r"\b(?:will|shall|is to|are to|scheduled|planned|plans?|set to|due|expected to|"
                    r"upcoming|coming|next|would)\b", re.IGNORECASE)

_WORD = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_]+(?:[’'\-][^\W\d_]+)*|\d+(?:[.,:]\d+)*|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.casefold()

    @property
    def bare(self) -> str:
        """The word without a possessive: "Putin’s" -> "Putin"."""
        return re.sub(r"[’']s$", "", self.text)

    @property
    def possessive(self) -> bool:
        return self.bare != self.text

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalpha()


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    stop = len(text) if end is None else end
    return [Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(text, start, stop)]
