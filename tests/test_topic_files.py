"""A topic's one home: its entry in bot/topics.yml, and files named by its id (data/nlu/,
bot/content/, tests/heldout/ and tests/heldout_long/) holding every intent of the topic and no
other; the Rasa files made from bot/topics.yml (tooling/generate.py) are up to date, so a topic
added without `make generate` fails here, not in a conversation."""
import pytest
import yaml

from bot import ROOT
from bot.domain import content, taxonomy
from tooling import generate

pytestmark = pytest.mark.fast


def test_generated_files_are_up_to_date():
    stale = [str(p.relative_to(generate.ROOT)) for p in generate.out_of_date()]
    assert not stale, f"out of date: {stale}; run `make generate` and commit them"


def test_every_signposting_intent_has_one_rule_and_every_intent_is_in_the_domain():
    rules = yaml.safe_load(generate.RULES.read_text(encoding="utf-8"))["rules"]
    assert [r["steps"] for r in rules] == [[{"intent": i}, {"action": "action_signpost"}]
                                           for i in generate.signposting_intents()]
    assert "danger" in generate.signposting_intents() and "greet" not in generate.signposting_intents()
    domain = yaml.safe_load(generate.DOMAIN.read_text(encoding="utf-8"))
    assert set(domain["intents"]) == set(generate.taxonomy.intent_topics()) - generate.RASA_OWN_INTENTS


def test_a_new_topic_in_the_taxonomy_makes_the_files_out_of_date(monkeypatch):
    intents = dict(generate.taxonomy.intent_topics(), cyber_stalking="cyber_stalking")
    monkeypatch.setattr(generate.taxonomy, "intent_topics", lambda: intents)
    assert set(generate.out_of_date()) == {generate.DOMAIN, generate.RULES}
    assert "  - cyber_stalking\n" in generate.domain_text(generate.DOMAIN.read_text(encoding="utf-8"))


def _intents_in(path):
    return {block["intent"] for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"] if "intent" in block}


@pytest.mark.parametrize("folder", ["data/nlu", "tests/heldout", "tests/heldout_long"])
def test_each_topic_has_its_examples_in_a_file_named_by_its_id(folder):
    for topic in taxonomy.topic_ids():
        path = ROOT / folder / f"{topic}.yml"
        assert path.exists(), path
        assert {taxonomy.topic_for(i) for i in _intents_in(path)} == {topic}, path
    # A file named by a topic holds that topic's intents; every other file holds no topic's.
    for path in (ROOT / folder).glob("*.yml"):
        if path.stem not in taxonomy.topic_ids():
            assert not {taxonomy.topic_for(i) for i in _intents_in(path)} - {None}, path


def test_each_topic_has_its_texts_in_a_file_named_by_its_id():
    for intent in taxonomy.topic_intents():
        path = content.CONTENT_DIR / f"{taxonomy.topic_for(intent)}.yml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(data if intent == taxonomy.topic_for(intent) else data[intent]) >= set(taxonomy.AUDIENCES), intent
    assert sorted(content.guidance_intents()) == sorted(taxonomy.topic_intents())
