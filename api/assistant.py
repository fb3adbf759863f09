"""Wraps the Rasa Agent: one chat turn in, one API reply out, degraded when the bot fails."""
import asyncio
import contextvars
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, FrozenSet, List, Optional, Tuple

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.events import AgentUttered

from bot.domain import replies, vocabulary
from bot.domain.cleaning import clean
from bot.nlu.context_cues import shared_context_cues
from bot.nlu.reading import read
from bot.nlu.risk.facts import shared_fact_reader
from bot.domain.redaction import redact, stored_parse_data
from bot.domain.replies import PAYLOAD_KEY
from bot.insights.record import OPENED_DATA, SCHOOL_KEY
from bot.nlu.risk.assess import Risk, assess
from bot.nlu.safety_net import SafetyNet
from bot.engine import rasa_patches
from api.schemas import always_offered_payloads, as_text
from bot.runtime.settings import Settings

log = logging.getLogger("api.assistant")


class OverBudget(Exception):
    """The NLU parse did not finish within the settings' parse budget."""


def action_endpoint(settings: Settings) -> rasa_patches.KeepAliveEndpointConfig:
    """The action server, with the shared token when one is set (actions/__main__.py)."""
    headers = {"Authorization": f"Bearer {settings.action_token}"} if settings.action_token else None
    return rasa_patches.KeepAliveEndpointConfig(url=settings.action_server_url, headers=headers)


class Assistant:
    def __init__(self, agent: Agent, net: SafetyNet, settings: Settings):
        self.agent = agent
        self.net = net
        self.settings = settings
        # The parse is CPU work: on the event loop it would stall every other conversation of
        # this worker, and no timeout could fire while it ran. One thread, so the
        # NLU components never run twice at once; the loop stays free for I/O and timeouts.
        self._parser: Optional[ThreadPoolExecutor] = None  # made when first needed
        # The readers' matchers take ~0.5 s to build: now, not inside the first turn's budget.
        shared_fact_reader(), shared_context_cues()
        self.warmed_up = False  # warm_up() has run: ready to answer a turn at its usual cost

    @classmethod
    def load(cls, settings: Settings, net: SafetyNet, tracker_store=None, lock_store=None) -> "Assistant":
        agent = rasa_patches.load_agent(
            settings.model_path,
            tracker_store=tracker_store,
            lock_store=lock_store,
            action_endpoint=action_endpoint(settings),
        )
        vocabulary.load()  # the redaction dictionary (about 0.7 s), before the first message
        return cls(agent, net, settings)

    async def aclose(self) -> None:
        # A test client may run the app's shutdown while the app goes on serving: the next
        # parse then makes a new thread.
        parser, self._parser = self._parser, None
        if parser is not None:
            parser.shutdown(wait=False)
        close = getattr(self.agent.action_endpoint, "aclose", None)
        if close:
            await close()

    def is_ready(self) -> bool:
        return self.agent.is_ready() and self.warmed_up

    # Read by the warm-up parse: a Latin-script English message long enough for the language check.
    WARM_UP_TEXT = "Someone keeps sending me horrible messages on snapchat and I do not know what to do"

    async def warm_up(self) -> None:
        """Before the worker says it is ready (/readyz): one parse, so that what the first turn
        would otherwise make or wait for is there. The sentence encoder's session is made at its
        first use, and a message long enough for the language check waits for the language
        models, which load in a thread while the model loads (bot/nlu/language.py). Without this,
        the first turns after /readyz said ready took seconds and, on a busy machine, went over
        the parse budget and were answered degraded (seen: 3.8 s, at load 8). No parse budget
        here: the worker is not serving yet."""
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        await loop.run_in_executor(self._parse_thread(), self._parse_now, self.WARM_UP_TEXT)
        self.warmed_up = True
        log.info("warm-up parse done in %.0f ms", (time.perf_counter() - started) * 1000)

    async def respond(self, session_id: str, text: Optional[str], audience: Optional[str],
                      payload: Optional[str] = None, school: Optional[str] = None) -> Tuple[Dict, bool]:
        """Returns (reply, degraded): the reply as the action sent it (Reply.payload()), or the
        degraded one in the same form.

        `payload` is a button's payload, already checked against the known list: the only input
        Rasa may read as intent syntax. Typed `text` is made plain text first (a leading "/"
        goes), so it is never parsed as "/intent{entities}".

        `school` is the id of the listed school whose website sent the message ("" for none):
        kept in the message's metadata, so the conversation's insights record knows it.
        """
        # One cleaning, before anything reads the text (bot/domain/cleaning.py).
        text = payload if payload is not None else clean(as_text(text or ""))
        started = time.perf_counter()
        reading = read(text, self.net)  # the NLU pipeline gets this same reading, its Doc included
        try:
            # Without the model (the degraded path): the signed rules and the net alone.
            fallback_risk = assess(reading.facts, reading.safety, text=text)
        except Exception as exc:  # the readers cannot say: assume the worst, 999 first
            log.error("risk reading failed: %s", type(exc).__name__)
            return replies.degraded(audience, urgent=True).payload(), True
        parse: Dict = {}
        try:
            output = await asyncio.wait_for(
                self._handle(session_id, text, audience, parse, school), self.settings.turn_timeout_seconds
            )
            reply = self._reply_from(output)
        except OverBudget:
            # Not read by the model in time: the safety net has read it, but nothing more is
            # known, so the emergency route comes first.
            log.warning("turn over budget: the parse took more than %.1f s", self.settings.parse_budget_seconds)
            return replies.degraded(audience, True, reading.cues.age).payload(), True
        except Exception as exc:  # any failure still gets a useful answer
            log.warning("assistant failed: %s", type(exc).__name__)
            reply = None
        if reply is None:
            # The stated age still decides the emergency line (no Childline for a 19-year-old).
            return replies.degraded(audience, fallback_risk.urgent, reading.cues.age).payload(), True
        risk = Risk.from_dict(parse.get("risk"))
        log.info(
            "turn intent=%s topic=%s urgent=%s risk=%s evidence=%s ms=%.0f",
            reply["intent"], reply["topic"], reply["urgent"], risk.level, ",".join(risk.evidence),
            (time.perf_counter() - started) * 1000,
        )
        # The stated age decides the emergency line; the cues are only read when it is needed.
        age = reading.cues.age if risk.urgent else None
        return self._ensure_emergency(reply, risk, audience, age), False

    async def _handle(self, session_id: str, text: str, audience: Optional[str], parse: Dict,
                      school: Optional[str] = None) -> List[Dict]:
        # NLU sees the original text here, in memory; the tracker only ever gets the redacted one.
        parse_data = await self.parse(text)
        parse["risk"] = parse_data.get("risk")
        safe_text = redact(text)
        # Stored offsets index the redacted text, so they cannot give a detail's length away.
        parse_data = stored_parse_data(parse_data, text, safe_text)
        metadata = {"audience": audience} if audience else {}
        if school is not None:
            metadata[SCHOOL_KEY] = school
        message = UserMessage(
            safe_text, CollectingOutputChannel(), session_id, parse_data=parse_data,
            input_channel="api", metadata=metadata or None,
        )
        return await self.agent.handle_message(message) or []

    async def parse(self, text: str) -> Dict:
        """The NLU parse, in the parse thread, within the parse budget (OverBudget otherwise).
        The request's context goes with it, so the reading made above is reused there."""
        loop = asyncio.get_running_loop()
        work = loop.run_in_executor(self._parse_thread(), contextvars.copy_context().run, self._parse_now, text)
        try:
            return await asyncio.wait_for(work, self.settings.parse_budget_seconds)
        except asyncio.TimeoutError:
            raise OverBudget() from None

    def _parse_thread(self) -> ThreadPoolExecutor:
        if self._parser is None:
            self._parser = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu-parse")
        return self._parser

    def _parse_now(self, text: str) -> Dict:
        # Rasa's parse_message is a coroutine that never waits when NLU runs in process (no HTTP
        # interpreter): run to its end on this thread, without an event loop of its own.
        coroutine = self.agent.parse_message(text)
        try:
            coroutine.send(None)
        except StopIteration as done:
            return done.value
        coroutine.close()
        raise RuntimeError("the NLU parse waited for I/O; it must run in process")

    @staticmethod
    def _reply_from(output: List[Dict]) -> Optional[Dict]:
        """The reply the action sent as data, as it is; None when the action did not run."""
        return next((m["custom"][PAYLOAD_KEY] for m in output
                     if isinstance(m.get("custom"), dict) and PAYLOAD_KEY in m["custom"]), None)

    @staticmethod
    def _ensure_emergency(reply: Dict, risk: Risk, audience: Optional[str],
                          age: Optional[int] = None) -> Dict:
        """Last guard: a message the risk step found urgent always leads with the emergency
        route (the gateway enforces the level it was given; it never judges one)."""
        if not risk.urgent:
            return reply
        return replies.with_emergency_sent(reply, audience, age)

    @property
    def tracker_store(self):
        store = self.agent.tracker_store
        return getattr(store, "_tracker_store", store)  # unwrap Rasa's FailSafeTrackerStore

    async def offered_payloads(self, session_id: Optional[str]) -> FrozenSet[str]:
        """The payloads a button press may send in this conversation: those the
        assistant always offers (the topic menu, the audiences) and those its
        replies offered in this conversation, read from the stored conversation's bot turns, so
        every replica sees the same list."""
        offered = set(always_offered_payloads())
        if session_id:
            tracker = await self.tracker_store.retrieve(session_id)
            for event in getattr(tracker, "events", None) or ():
                if event.type_name == "bot":
                    offered.update(_offered_by(getattr(event, "data", None) or {}))
        return frozenset(offered)

    async def has_conversation(self, session_id: str) -> bool:
        """Whether a conversation (not expired, not deleted) is stored under this id."""
        return await self.tracker_store.exists(session_id)

    async def note_opened(self, session_id: str) -> bool:
        """Adds "a service card was opened" to a stored conversation, once: an event no
        policy reads (Rasa's AgentUttered), with no text. False when nothing is stored."""
        store = self.tracker_store
        async with self.agent.lock_store.lock(session_id):
            tracker = await store.retrieve_full_tracker(session_id)
            if tracker is None:
                return False
            if any(e.type_name == "agent" and e.data == OPENED_DATA for e in tracker.events):
                return True
            tracker.update(AgentUttered(data=dict(OPENED_DATA)))
            await store.save(tracker)
        return True

    def forget(self, session_id: str) -> bool:
        """DELETE /api/v1/sessions/{id}: the conversation now, and the id for good."""
        return self.tracker_store.delete(session_id)

    def was_deleted(self, session_id: str) -> bool:
        return self.tracker_store.was_deleted(session_id)


def _offered_by(data: Dict) -> List[str]:
    """The button payloads of one stored bot turn: the reply sent as data (actions/dispatch.py)."""
    reply = (data.get("custom") or {}).get(PAYLOAD_KEY) if isinstance(data.get("custom"), dict) else None
    messages = reply.get("messages") if isinstance(reply, dict) else None
    return [b["payload"] for m in messages or () if isinstance(m, dict)
            for b in m.get("buttons") or () if isinstance(b, dict) and isinstance(b.get("payload"), str)]
