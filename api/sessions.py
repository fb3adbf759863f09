"""Session ids the server issued: issue time + random part, and an HMAC of both under a secret.

A client cannot choose its own id ("aaaaaaaa", a pupil number) or guess another's: an id whose
signature does not check out is treated like an unknown one, and the turn starts a new session
with a new id. An id whose conversation has expired or been deleted is not revived either: once
it is older than a short grace period (its first turn may not have been stored, if that turn
failed) and nothing is stored under it, the turn starts a new session (api/routes/chat.py).
Replicas that share conversations (Redis) must share the secret (SIGNPOST_SESSION_SECRET); the
embedded default may use a random one per process.

Form: 64 lower-case hex characters = 8 (issue time, Unix seconds) + 24 (random, 96 bits)
+ 32 (the first 128 bits of HMAC-SHA256 of the first 32).
"""
import hashlib
import hmac
import os
import re
import secrets
import time
from typing import Optional

_BODY_HEX = 32
_SIGNATURE_HEX = 32
_FORM = re.compile(r"[0-9a-f]{%d}" % (_BODY_HEX + _SIGNATURE_HEX))
# An issued id with nothing stored under it is still accepted this long after it was issued.
GRACE_SECONDS = 60


class SessionIds:
    def __init__(self, secret: Optional[str] = None):
        self._key = secret.encode() if secret else os.urandom(32)

    def _signature(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()[:_SIGNATURE_HEX]

    def issue(self, now: Optional[float] = None) -> str:
        body = f"{int(now if now is not None else time.time()) & 0xFFFFFFFF:08x}" + secrets.token_hex(12)
        return body + self._signature(body)

    def valid(self, session_id: Optional[str]) -> bool:
        if not session_id or not _FORM.fullmatch(session_id):
            return False
        body, signature = session_id[:_BODY_HEX], session_id[_BODY_HEX:]
        return hmac.compare_digest(signature, self._signature(body))

    @staticmethod
    def age_seconds(session_id: str) -> float:
        """Seconds since a valid id was issued."""
        return time.time() - int(session_id[:8], 16)

    def new_enough(self, session_id: str) -> bool:
        """Issued within the grace period (its conversation may not be stored yet)."""
        return self.age_seconds(session_id) <= GRACE_SECONDS
