"""German/English language decision for one user message, and the sticky conversation rule.

Pure Python (no Rasa): `lingua` restricted to German and English, plus two things lingua cannot
know on its own:

* Minimum evidence. Product vocabulary ("PSfP", "Managed Services", "Partner", "350k") is shared
  by both languages, so it is removed before scoring; a message needs at least
  `MIN_EVIDENCE_WORDS` remaining words and a combined confidence of `CONFIDENCE_THRESHOLD`
  to decide. Short replies ("ok", "ja", "thx", "12", "👍") therefore never flip the language.
* Function words. lingua is weak on three-word messages ("Yes we do" is only 0.68 English), while
  pronouns, auxiliaries and articles are strong, cheap evidence; both are combined as log-odds.

Precedence (CONTRACT §5): an explicit switch request (a request to change the language without
naming one toggles it) > a confident message > the conversation's current language > the channel
locale > the default. The current language beats the locale
because it reflects what the user wrote or asked for, whereas a locale only reflects client
settings (a user on a German Teams client who asked for English must not be switched back by "ok").

No state is kept here: NLU components are shared by all conversations.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES

# Tuned on tests/nlu/test_language.py; a decision below these keeps the current language.
CONFIDENCE_THRESHOLD = 0.9
MIN_EVIDENCE_WORDS = 2
# Each function word multiplies the odds by this factor; lingua's own log-odds are clipped so a
# single odd n-gram statistic cannot outvote several function words.
_FUNCTION_WORD_ODDS = 4.0
_LINGUA_LOG_ODDS_CLIP = 4.0
_MAX_EVIDENCE_WORDS = 200

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_CLAUSE_SPLIT = re.compile(r"[,.;:!?()\n]+")

# Words German and English partners both use (domain terms, Denglisch, greetings, units): they say
# nothing about the language of the message.
_NEUTRAL = frozenset(
    """
    ok okay okey kk k m bn mio mrd tsd hi hey hallo hello moin servus thx tx sorry super cool top
    partner partners partnerid reseller resellers support supports plan plans microsoft csp cloud
    managed service services billing provisioning onboarding id usd eur euro euros dollar dollars
    azure office teams tenant tenants admin assessment security premier advanced asfp psfp erp
    startup backup monitoring center centre direct bill indirect mail email e online sales team
    lol haha xd
    """.split()
)

# Function words only one of the two languages uses. Homographs ("was", "in", "an", "am", "also",
# "so", "will", "war", "um") are deliberately absent.
_FUNCTION_WORDS = {
    "de": frozenset(
        """
        ich wir du er es ihr mich mir dich dir uns euch unser unsere unseren unserem unserer ist
        sind bin bist seid habe haben hab hast hat hatten hatte wird werden wurde kann können
        koennen kannst muss müssen muessen musst soll sollen darf dürfen duerfen möchte moechte
        nicht kein keine keinen keinem noch schon auch nur aber und oder der die das den dem des
        ein eine einen einem einer mit für fuer von vom zum zur bei seit auf aus nach über ueber
        wie wer wo warum welche welcher welches wann wieviel viel viele bitte danke ja nein genau
        gibt ob dass weil wenn dann doch mal gerade grad leider etwa ungefähr jetzt bisher sehr
        mehr alle alles dieser diese dieses sich man zu im ab sie ihnen
        """.split()
    ),
    "en": frozenset(
        """
        i we you my our us me is are were be been have has had do does did don't dont not no yes
        the a and or of to for with from since on at by how what which who when where why whether
        if that this these those there it its it's can could should would need want please thanks
        thank still already only about some any much many more than your they their just get got
        let let's i'm we're we've i've i'd what's that's didn't doesn't isn't aren't haven't
        right
        """.split()
    ),
}

# --- explicit switch requests -------------------------------------------------------------------

# Spellings (and frequent typos) of the language names, lower case.
_LANGUAGE_NAMES = {
    "de": frozenset("deutsch german deutsh deutch deusch duetsch germn germna".split()),
    "en": frozenset("englisch english englsih englich englsch engl inglish englihs".split()),
}
_NAME_TO_LANGUAGE = {name: lang for lang, names in _LANGUAGE_NAMES.items() for name in names}
_PLEASE = frozenset("bitte please pls plz plez pleas plase bitteschön".split())
# Words that may stand between a request verb and the language name ("switch *the language to*
# English", "antworte *bitte auf* Deutsch") without changing what is asked.
_GAP = frozenset(
    """
    to in into auf zu nach the die den das language sprache bitte please pls plz mit with me mir
    uns us du sie you ihr auch also lieber rather nur only jetzt now ab from conversation chat
    unterhaltung gespräch gespraech bot einfach just doch mal gern gerne kurz we wir ich i bot's
    our unsere do mach machen it es have habe hätte haette wäre waere would be ist is
    """.split()
)
_VERB_PREFIXES = (
    "sprech",
    "sprich",
    "spreche",
    "speak",
    "talk",
    "schreib",
    "write",
    "antwort",
    "answer",
    "repl",
    "respond",
    "switch",
    "wechs",
    "chang",
    "umstell",
    "umschalt",
    "continu",
    "weitermach",
    "fortfahr",
    "prefer",
    "bevorzug",
)
_VERB_WORDS = frozenset(
    "rede reden redest rather lieber besser better sondern sprache language use nutzen verwenden "
    "stell weiter instead stattdessen can could kannst können koennen".split()
)
# A language name followed by any other word is usually an adjective ("the German version",
# "English partners"), not a request.
_FOLLOWERS = (
    _GAP
    | _PLEASE
    | frozenset(
        "and und or oder instead stattdessen again wieder then dann too if wenn thanks thank thx danke "
        "ok okay from for um".split()
    )
)
_NEGATORS = frozenset(
    "not no don't dont never kein keine keinen nicht nie can't cant cannot won't without ohne "
    "statt anstatt anstelle instead".split()
)
# Words that may surround a bare language name: the whole message is then a request ("Deutsch",
# "in English please", "nur Deutsch bitte").
_BARE_FILLERS = _PLEASE | frozenset(
    "auf in ok okay now jetzt nur only gern gerne then dann thanks danke thx again wieder sprache "
    "language the".split()
)
# "in deutscher Sprache", "Englische Sprache bitte": inflected adjectives name a language only
# when "Sprache" follows.
_ADJECTIVES = {
    "deutsche": "deutsch",
    "deutscher": "deutsch",
    "deutschen": "deutsch",
    "englische": "englisch",
    "englischer": "englisch",
    "englischen": "englisch",
}
# Requests to change the language without naming one ("Sprache ändern", "switch languages"):
# they toggle between the two languages.
_LANGUAGE_WORDS = frozenset("sprache sprachen language languages".split())
_TOGGLE_WORDS = frozenset(
    "ändern aendern änderen wechseln wechsel wechsle umstellen umschalten switch change toggle "
    "andere anderen other another".split()
)
_TOGGLE_MAX_WORDS = 6


def _is_verb(word: str) -> bool:
    return word in _VERB_WORDS or word.startswith(_VERB_PREFIXES)


def _words(text: str) -> list[str]:
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    return [
        _ADJECTIVES[w] if w in _ADJECTIVES and words[i + 1 : i + 2] == ["sprache"] else w
        for i, w in enumerate(words)
    ]


def _mention_requests(words: list[str], i: int) -> bool:
    """Whether the language name at `words[i]` is part of a request to use that language."""
    before = words[max(0, i - 3) : i]
    after = words[i + 1 : i + 4]
    if any(w in _NEGATORS for w in before) or after[:1] in (["nicht"], ["not"]):
        return False
    if after and after[0] not in _FOLLOWERS and not _is_verb(after[0]):
        return False
    if (after and after[0] in _PLEASE) or (len(after) > 1 and after[1] in _PLEASE):
        return True
    if before and before[-1] in _PLEASE:
        return True
    if len(before) > 1 and before[-1] in ("auf", "in") and before[-2] in _PLEASE:
        return True
    # A request verb before the name, separated only by gap words ("switch to English").
    for j in range(i - 1, max(-1, i - 6), -1):
        if _is_verb(words[j]):
            return True
        if words[j] not in _GAP:
            break
    # ... or after it ("können wir Deutsch sprechen", "Englisch weiter bitte").
    for j in range(i + 1, min(len(words), i + 4)):
        if _is_verb(words[j]):
            return True
        if words[j] not in _GAP:
            break
    return False


def switch_target(text: str) -> str | None:
    """The language `text` explicitly asks to switch to, or None.

    Handles requests in either language about either language: "auf Deutsch bitte", "können wir
    Deutsch sprechen?", "in English please", "switch to English", "Englisch bitte", "speak
    German". Mentions that are negated ("ich spreche kein Englisch") or merely talk about a
    language ("Ist der Vertrag auf Englisch?", "the German version") are not requests.
    """
    whole = _words(text)
    names = [w for w in whole if w in _NAME_TO_LANGUAGE]
    if len(names) == 1 and all(w in _BARE_FILLERS for w in whole if w != names[0]):
        return _NAME_TO_LANGUAGE[names[0]]
    target = None
    # Clauses are checked one by one so that "No, English please" is not read as "no English".
    for clause in _CLAUSE_SPLIT.split(text):
        words = _words(clause)
        for i, word in enumerate(words):
            if word in _NAME_TO_LANGUAGE and _mention_requests(words, i):
                target = _NAME_TO_LANGUAGE[word]  # the last request wins: "nicht X, sondern Y"
    return target


def asks_to_toggle(text: str) -> bool:
    """A short request to change the language that names none ("Sprache ändern", "Can we change
    the language?"). Long sentences merely mentioning both words are not requests."""
    for clause in _CLAUSE_SPLIT.split(text):
        words = _words(clause)
        if (
            0 < len(words) <= _TOGGLE_MAX_WORDS
            and not any(w in _NAME_TO_LANGUAGE for w in words)
            and any(w in _LANGUAGE_WORDS for w in words)
            and any(w in _TOGGLE_WORDS for w in words)
        ):
            return True
    return False


def other_language(lang: str) -> str:
    return LANGUAGES[1 - LANGUAGES.index(lang)]


# --- statistical detection ----------------------------------------------------------------------

_detector: Any = None
_detector_lock = threading.Lock()


def _lingua() -> Any:
    """The lingua detector, built once per process (building loads the language models)."""
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                from lingua import Language, LanguageDetectorBuilder

                _detector = (
                    LanguageDetectorBuilder.from_languages(Language.GERMAN, Language.ENGLISH)
                    .with_preloaded_language_models()
                    .build()
                )
    return _detector


def _evidence(words: list[str]) -> list[str]:
    return [
        w
        for w in words
        if w not in _NEUTRAL
        and (len(w) > 1 or w in ("a", "i"))
        and w not in _NAME_TO_LANGUAGE  # "auf English" says nothing about the message itself
    ]


def _is_acronym(word: str) -> bool:
    # "PSfP", "CSP", "USD", "FY": two or more capitals mark product names and units, not prose.
    return sum(c.isupper() for c in word) >= 2


def score(text: str) -> tuple[dict[str, float], int]:
    """Probabilities for German and English and the number of evidence words they rest on.

    Returns `({}, 0)` when the text holds no evidence at all (numbers, emoji, product names).
    """
    raw = [w for w in _WORD.findall(text) if not _is_acronym(w)]
    # A pasted e-mail says no more than its first sentences, and costs lingua far more.
    evidence = _evidence([w.lower().replace("’", "'") for w in raw])[:_MAX_EVIDENCE_WORDS]
    if not evidence:
        return {}, 0
    values = {
        c.language.iso_code_639_1.name.lower(): c.value
        for c in _lingua().compute_language_confidence_values(" ".join(evidence))
    }
    p_de = min(max(values.get("de", 0.5), 1e-6), 1 - 1e-6)
    log_odds = max(-_LINGUA_LOG_ODDS_CLIP, min(_LINGUA_LOG_ODDS_CLIP, math.log(p_de / (1 - p_de))))
    n_de = sum(w in _FUNCTION_WORDS["de"] for w in evidence)
    n_en = sum(w in _FUNCTION_WORDS["en"] for w in evidence)
    log_odds += math.log(_FUNCTION_WORD_ODDS) * (n_de - n_en)
    log_odds = max(-50.0, min(50.0, log_odds))  # keeps math.exp finite
    p_de = 1 / (1 + math.exp(-log_odds))
    return {"de": p_de, "en": 1 - p_de}, len(evidence)


def parse_locale(locale: Any) -> str | None:
    """The language of a BCP-47 locale ("de-DE", "de_AT", "EN-us", "de"): "de", "en" or None."""
    if not isinstance(locale, str):
        return None
    primary = re.split(r"[-_]", locale.strip(), maxsplit=1)[0].lower()
    return primary if primary in LANGUAGES else None


@dataclass(frozen=True)
class LanguageDecision:
    """What one message says about the conversation language.

    language: the language to use for this message: the switch target, else the message's own
        language when confident, else `current`, else the locale's language, else None.
    switch_requested: the message explicitly asks for a language (`language`), or asks to
        change it without naming one while the current language is unknown (`language` None).
    confident: `language` was decided by the message itself (text or switch request).
    scores: {"de": p, "en": 1 - p} from the text; empty when the text holds no evidence.
    source: where `language` came from: "switch", "text", "current", "locale" or "none".
    guess: the text's more likely language even when not confident (None without evidence); a
        tokenizer may use it, the conversation must not.
    evidence: number of words the scores rest on.
    locale: the channel locale's language, if one was given and is German or English.
    """

    language: str | None
    switch_requested: bool
    confident: bool
    scores: Mapping[str, float] = field(default_factory=dict)
    source: str = "none"
    guess: str | None = None
    evidence: int = 0
    locale: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (stored on Rasa messages and in the parse data)."""
        return {
            "language": self.language,
            "switch_requested": self.switch_requested,
            "confident": self.confident,
            "scores": {k: round(v, 4) for k, v in self.scores.items()},
            "source": self.source,
            "guess": self.guess,
            "evidence": self.evidence,
            "locale": self.locale,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LanguageDecision:
        """Inverse of `as_dict`, e.g. for an action reading `latest_message["language_decision"]`."""
        return cls(
            language=data.get("language"),
            switch_requested=bool(data.get("switch_requested")),
            confident=bool(data.get("confident")),
            scores=dict(data.get("scores") or {}),
            source=data.get("source") or "none",
            guess=data.get("guess"),
            evidence=int(data.get("evidence") or 0),
            locale=data.get("locale"),
        )


def detect(text: str, current: str | None = None, locale: str | None = None) -> LanguageDecision:
    """Decide the language of `text` (see the module docstring for the rules).

    `current` is the conversation's language so far, `locale` a BCP-47 channel locale.
    """
    text = text or ""
    current = current if current in LANGUAGES else None
    from_locale = parse_locale(locale)
    scores, evidence = score(text)
    guess = max(scores, key=scores.__getitem__) if scores else None

    def decision(language: str | None, switch: bool, confident: bool, source: str):
        return LanguageDecision(
            language, switch, confident, scores, source, guess, evidence, from_locale
        )

    target = switch_target(text)
    if target is not None:
        return decision(target, True, True, "switch")
    if asks_to_toggle(text):
        if current is not None:
            return decision(other_language(current), True, True, "switch")
        return decision(None, True, False, "switch")
    if (
        guess is not None
        and evidence >= MIN_EVIDENCE_WORDS
        and scores[guess] >= CONFIDENCE_THRESHOLD
    ):
        return decision(guess, False, True, "text")
    if current is not None:
        return decision(current, False, False, "current")
    if from_locale is not None:
        return decision(from_locale, False, False, "locale")
    return decision(None, False, False, "none")


def conversation_language(
    decision: LanguageDecision, current: str | None, default: str = DEFAULT_LANGUAGE
) -> str:
    """The conversation's language after `decision`: sticky unless the message decides it.

    A request to change the language without naming one toggles the language the conversation
    had (current, else the locale's, else `default`).
    """
    current = current if current in LANGUAGES else None
    if decision.confident and decision.language in LANGUAGES:
        return decision.language
    if decision.switch_requested and decision.language is None:
        return other_language(current or decision.locale or default)
    if current is not None:
        return current
    if decision.language in LANGUAGES:
        return decision.language
    return default
