"""Sign-off of every reply (issue 19): stable ids, content hashes, content-signoff.yml."""
import shutil
from datetime import date

import pytest

from bot.domain import content, replies
from tooling.content_review import cases as content_cases, report as content_report, signoff


@pytest.fixture(scope="module")
def now():
    return signoff.current()


def test_every_reply_is_signed_or_awaiting_sign_off(now):
    """Fails when a text changed and nobody listed it for sign-off (the message says how)."""
    found = signoff.problems(signoff.load(), now)
    assert not found, signoff.explain(found)


def test_nobody_has_signed_without_a_name_role_and_date():
    for sig in signoff.load()["signatures"]:
        assert sig["name"].strip() and sig["role"].strip() and sig["replies"]
        date.fromisoformat(str(sig["date"]))


def _edited_grooming(monkeypatch):
    """Changes one text, as a content branch would: grooming.yml parent, step 4."""
    real = content._file

    def edited(name):
        data = real(name)
        if name != "grooming":
            return data
        parent = {**data["parent"], "steps": data["parent"]["steps"][:3] + ["If your child is with the person now, call 999."]}
        return {**data, "parent": parent}

    monkeypatch.setattr(content, "_file", edited)


def test_a_changed_text_fails_the_check_and_says_which_command_to_run(monkeypatch, now):
    manifest = {"signatures": [], "awaiting": {rid: v["hash"] for rid, v in now.items()}, "signed_texts": {}}
    assert signoff.problems(manifest, now) == []
    _edited_grooming(monkeypatch)
    found = signoff.problems(manifest)
    changed = {line.split(":")[0] for line in found}
    assert "grooming/parent/urgent/answer" in changed and "grooming/parent/not-urgent/button.steps" in changed
    assert all(rid.startswith("grooming/parent/") for rid in changed), changed
    message = signoff.explain(found)
    assert "make content-awaiting" in message and "make content-sign NAME=" in message


def test_stale_awaiting_entries_fail_too(now):
    manifest = {"signatures": [], "awaiting": {**{r: v["hash"] for r, v in now.items()}, "gone/parent/urgent/answer": "0" * 16},
                "signed_texts": {}}
    assert signoff.problems(manifest, now) == ["gone/parent/urgent/answer: listed as awaiting but no such reply exists now"]


def test_mark_awaiting_then_sign_then_a_change_shows_old_and_new_side_by_side(tmp_path, monkeypatch):
    path = tmp_path / "content-signoff.yml"
    shutil.copy(signoff.MANIFEST, path)
    signoff.mark_awaiting(path)
    with pytest.raises(ValueError, match="name and role"):
        signoff.sign(" ", "Child Protection Coordinator", date(2025, 1, 2), path)
    n = signoff.sign("A. Lead", "Child Protection Coordinator", date(2025, 1, 2), path)
    manifest = signoff.load(path)
    assert n == len(signoff.current()) and manifest["awaiting"] == {} and signoff.problems(manifest) == []
    assert manifest["signatures"][-1]["name"] == "A. Lead" and manifest["signatures"][-1]["date"] == "2025-01-02"

    _edited_grooming(monkeypatch)
    found = signoff.problems(manifest)
    assert found and all(line.startswith("grooming/parent/") for line in found)
    with pytest.raises(ValueError, match="make content-awaiting"):  # never sign what was not listed
        signoff.sign("A. Lead", "Child Protection Coordinator", date(2025, 1, 3), path)
    signoff.mark_awaiting(path)
    manifest = signoff.load(path)
    assert set(manifest["awaiting"]) == {line.split(":")[0] for line in found}
    page = content_report.build_html(manifest=manifest)
    changed = page[page.index('id="changed"'):page.index('class="filters"')]
    assert "If your child is with the person now, call 999." in changed  # the new text
    assert "If a meeting is planned, or your child is with the person now" in changed  # the signed one
    assert "Signed by A. Lead (Child Protection Coordinator) on 2025-01-02" in changed


def test_ids_say_what_the_reply_is_and_do_not_depend_on_order(monkeypatch):
    cases = content_cases.cases()
    ids = [c.id for c in cases]
    assert len(ids) == len(set(ids))
    for c in cases:
        assert c.id.split("/")[0] == c.facets["intent"] and c.id.endswith(c.facets["kind"]), c.id
    assert "grooming/young_person.13-15/urgent/question.trouble" in ids
    assert "sextortion/young_person.19-plus/urgent/answer.danger-meeting" in ids
    names = content_cases.topic_names()
    monkeypatch.setattr(content_cases, "topic_names", lambda: names[1:])  # a topic less
    fewer = {c.id: signoff.reply_hash(c.reply) for c in content_cases.cases()}
    same = {c.id: signoff.reply_hash(c.reply) for c in cases if c.id in fewer}
    assert same == fewer and len(fewer) < len(ids)


def test_the_hash_covers_the_text_buttons_urgency_and_cards():
    base = replies.signpost("bullying", "parent", False)
    h = signoff.reply_hash(base)
    assert signoff.reply_hash(replies.signpost("bullying", "parent", False)) == h
    for change in (lambda r: r.messages[0].__setitem__("text", r.messages[0]["text"] + "."),
                   lambda r: r.messages[-1]["buttons"].pop(),
                   lambda r: r.services.reverse(),
                   lambda r: setattr(r, "urgent", True)):
        other = replies.signpost("bullying", "parent", False)
        change(other)
        assert signoff.reply_hash(other) != h


def test_only_question_kinds_a_topic_has_its_own_answer_for():
    ids = {c.id for c in content_cases.cases()}
    assert not any(i.startswith("bullying/") and i.endswith("question.pay") for i in ids)
    assert "scams_hacking/parent/not-urgent/question.pay" in ids
    assert content_cases.question_kinds("bullying") == list(content._file("questions")["young_person"]["bullying"])
    # A situation asks its own topic's questions as well as its own.
    assert set(content_cases.question_kinds(content.situations()[0])) >= set(
        content_cases.question_kinds(content.situation_topic(content.situations()[0])))
