"""Is this an English word? For redaction (bot/domain/redaction.py): a name or a handle is often just a
word the dictionary does not know ("im zyxwanda", "add me on snap qorbzyx").

The word lists ship in `spacy-lookups-data` (already installed for the lemmas, nothing
downloaded): the lemma index (WordNet-derived nouns, verbs, adjectives, adverbs), the lookup
table's inflected forms and their exceptions, plus spaCy's stop words and the slang and Scots
that young people write here (found in this project's training and held-out data).
"""
import gzip
import re
import json
from functools import lru_cache
from typing import Dict, FrozenSet

import spacy_lookups_data
from spacy.lang.en.stop_words import STOP_WORDS

_DATA = spacy_lookups_data.__path__[0] + "/data/"
SLANG = frozenset("""
gonna wanna gotta tryna finna kinda sorta dunno lemme gimme innit aint ur u r ppl bc cuz coz cos tho rn pls plz
lol lmao omg idk idc tbh ngl smh srsly rly realy v sooo soo bein gettin deid feart daein wee aye nae naw dinnae
cannae wouldnae didnae willnae hardstuck overthinking texting trans proper pure raging gutted skint mortified
kms kys sh sui unalive bf gf bff bestie fr frfr bruh mum mums im ive id dont cant wont isnt wasnt didnt doesnt
hes shes theyre youre thats whats theres wheres heres whos theirs yours mine ours okay ok k kk yeah yea ya yh ye nah nope sus cringe lowkey highkey
""".split())
# Service names the assistant signposts: never a name or a handle, whatever the dictionary says.
SERVICES = frozenset("""
childline ceop respectme iwf nspcc samaritans shout papyrus parentline youngminds kooth breathing space
police scotland stop it now report remove parent club children 1st saferinternet internetmatters
""".split())
# Apps and platforms: a word after "snap" that is itself an app is not a handle.
APPS = frozenset("""
snap snapchat insta instagram ig tiktok tt discord xbox psn playstation roblox twitter x fb facebook kik
telegram steam fortnite epic twitch youtube yt threads reddit minecraft whatsapp wizz yubo omegle
""".split())


@lru_cache(maxsize=1)
def _tables() -> Dict[str, FrozenSet[str]]:
    def load(name):
        with gzip.open(_DATA + f"en_{name}.json.gz", "rt", encoding="utf-8") as f:
            return json.load(f)

    index, lookup, exceptions = load("lemma_index"), load("lemma_lookup"), load("lemma_exc")
    # How someone is, never who: adjectives, adverbs and verb forms ("scared", "being").
    qualities = set(index.get("adj", ())) | set(index.get("adv", ()))
    verbs = set(index.get("verb", ()))
    verb_forms = {form for form, lemma in lookup.items() if lemma in verbs and form != lemma}
    qualities |= {form for form, lemma in lookup.items() if lemma in qualities}
    for pos, table in exceptions.items():
        for form, lemmas in table.items():
            (verb_forms if pos == "verb" else qualities if pos in ("adj", "adv") else set()).add(form)
    words = qualities | verbs | verb_forms | set(index.get("noun", ())) | set(lookup) | set(lookup.values())
    words |= set(STOP_WORDS) | SLANG | APPS | SERVICES
    capitalised = qualities | verb_forms | set(STOP_WORDS) | SLANG
    return {"words": frozenset(words), "described": frozenset(capitalised | verbs),
            "described_capitalised": frozenset(capitalised)}


_CLITIC = re.compile(r"(?:'s|'re|'ll|'d|'ve|'m|n't)$")


def _norm(token: str) -> str:
    """Lower case, without a clitic ("who's" -> "who", "Ryan's" -> "ryan")."""
    return _CLITIC.sub("", token.lower().replace("\u2019", "'")).strip("'-")


def _known(word: str, table: FrozenSet[str]) -> bool:
    return word in table or (word.endswith("in") and word + "g" in table)


def is_word(token: str) -> bool:
    """A known English word (any case), slang, an app or a service; "gettin" counts as
    "getting"."""
    return _known(_norm(token), _tables()["words"])


def describes(token: str) -> bool:
    """A word that says how someone is or what they do, not who ("scared", "so", "being",
    "from"): an adjective, adverb, verb or stop word. Capitalised ("I'm Grace", "Hope"), a
    verb's base form may be a name; its other forms ("Worried", "Being") may not."""
    word = _norm(token)
    capitalised = token[:1].isupper() and not token.isupper()
    return _known(word, _tables()["described_capitalised" if capitalised else "described"])


def is_stop(token: str) -> bool:
    """A function word or slang filler ("on", "not", "so", "gonna"): never a name."""
    word = _norm(token)
    return word in STOP_WORDS or word in SLANG


def load() -> None:
    """Reads the word lists now rather than during the first message that needs them."""
    _tables()
