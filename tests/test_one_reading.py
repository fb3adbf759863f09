"""One reading of a message: one normalised text and one spaCy Doc, made once and read by the
safety net, the context cues, the risk facts and Rasa's tokenizer and featurizers."""
import asyncio
import contextvars
from contextlib import contextmanager

import pytest
from spacy.language import Language

from bot.nlu.safety_net import normalise

# Every reader finds something in it: the net ("kill myself"), the cues (an age, an app),
# the facts (ages, a threat); curly quotes, a shouted "pleaseee" and a run of spaces
# are what the normalisation changes.
TEXT = "Im 14 and  my ex’s 19, he says he’ll share my pics on snap. I want to kill myself pleaseee help"


@contextmanager
def docs_made():
    """The texts spaCy makes a Doc of while inside: every Doc starts with a tokenizer. nlp(text)
    and nlp.pipe go through Language.make_doc (watched on the class: any pipeline, Rasa's own
    included); the readers' pipeline is also watched at its tokenizer, which the context cues
    call directly. (Not found through gc: the API freezes its objects out of gc's view.)"""
    from bot.nlu.context_cues import shared_context_cues
    from bot.nlu.risk.facts import shared_fact_reader
    from bot.nlu.safety_net import shared_safety_net

    made = []
    watched = {id(p): p for p in (shared_safety_net().nlp, shared_context_cues().nlp, shared_fact_reader().nlp)}
    tokenizers = {key: nlp.tokenizer for key, nlp in watched.items()}
    make_doc = Language.make_doc

    def counting_make_doc(self, text):
        if id(self) not in watched:
            made.append(text)
        return make_doc(self, text)

    def counting(original):
        def tokenize(text):
            made.append(text)
            return original(text)
        return tokenize

    Language.make_doc = counting_make_doc
    for key, nlp in watched.items():
        nlp.tokenizer = counting(tokenizers[key])
    try:
        yield made
    finally:
        Language.make_doc = make_doc
        for key, nlp in watched.items():
            nlp.tokenizer = tokenizers[key]


def in_a_request(run, *args):
    """As a request does: in a context of its own, so no earlier reading is found."""
    return contextvars.copy_context().run(run, *args)


@pytest.mark.fast
def test_a_reading_makes_one_doc_of_the_normalised_text_and_reads_the_same_as_the_text_readers():
    from bot.nlu.context_cues import shared_context_cues
    from bot.nlu.reading import read
    from bot.nlu.risk.facts import read_facts
    from bot.nlu.safety_net import shared_safety_net

    net, cues = shared_safety_net(), shared_context_cues()
    expected = (net.check(TEXT), cues.read(TEXT), read_facts(TEXT))  # each from the text, on its own Doc

    def reading_twice():
        first = read(TEXT)
        found = (first.safety, first.cues, first.facts)
        again = read(TEXT)  # a later component of the same request
        return first, found, (again.safety, again.cues, again.facts)

    with docs_made() as made:
        reading, found, again = in_a_request(reading_twice)
    assert made == [normalise(TEXT)]
    assert reading.doc.text == reading.normalised == normalise(TEXT)
    assert found == again
    safety, cue, facts = found
    assert (safety.as_dict(), safety.matches, safety.mention_only) == \
        (expected[0].as_dict(), expected[0].matches, expected[0].mention_only)
    assert safety.urgent and "kill myself" in safety.matches
    assert cue.as_dict() == expected[1].as_dict() and (cue.age, cue.platform) == (14, "Snapchat")
    assert facts == expected[2] and facts.spans == expected[2].spans
    assert facts.writer_age == 14 and facts.other_age == 19


@pytest.mark.fast
def test_the_first_component_gives_rasa_the_readings_doc_and_trains_on_the_same_normalisation():
    from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
    from rasa.shared.nlu.constants import TEXT as TEXT_KEY
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.nlu.reading import read
    from bot.nlu.reading_component import ReadingNLP
    from bot.nlu.safety_net import shared_safety_net

    component = ReadingNLP.create({}, None, None, None)
    assert component.provide().model is shared_safety_net().nlp  # one pipeline in the process

    def parse():
        reading = read(TEXT)
        reading.safety  # the API's guard reads first
        message = Message({TEXT_KEY: TEXT})
        component.process([message], component.provide())
        return reading, message

    with docs_made() as made:
        reading, message = in_a_request(parse)
    assert made == [normalise(TEXT)]
    assert message.get("text_spacy_doc") is reading.doc
    tokenizer = SpacyTokenizer.create(SpacyTokenizer.get_default_config(), None, None, None)
    tokens = [t.text for t in tokenizer.tokenize(message, TEXT_KEY)]
    assert "pleasee" in tokens and "he’ll" not in " ".join(tokens) and "'ll" in tokens

    examples = TrainingData([Message({TEXT_KEY: TEXT, "intent": "self_harm"}), Message({TEXT_KEY: "Hiii"})])
    component.process_training_data(examples, component.provide())
    assert [m.get("text_spacy_doc").text for m in examples.training_examples] == [normalise(TEXT), "hii"]


def test_one_doc_per_message_on_the_gateways_path(client, chat):
    """A whole turn through POST /api/v1/chat: the API's guard reads the message, the whole NLU
    pipeline runs with the trained model, the reply is made and guarded: one Doc."""
    with docs_made() as made:
        reply = chat(TEXT)
    assert made == [normalise(TEXT)]
    assert reply["urgent"] is True and reply["degraded"] is False
    assert "999" in reply["messages"][0]["text"]


def test_one_doc_per_parse_without_the_gateway(client):
    """Rasa's parse alone (the evaluation and the benchmark call it so): still one Doc, and every
    reader has read it (the facts, the net's verdict, the cues are in the parse)."""
    agent = client.app.state.assistant.agent
    with docs_made() as made:
        parse = asyncio.run(agent.parse_message(TEXT))
    assert made == [normalise(TEXT)]
    assert parse["risk"]["urgent"] and parse["safety"]["urgent"]
    assert parse["risk"]["facts"]["writer_age"] == 14 and parse["risk"]["facts"]["other_age"] == 19
    assert parse["cues"]["age"] == 14 and parse["cues"]["platform"] == "Snapchat"
