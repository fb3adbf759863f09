"""Session ids the server issued: a random id plus an HMAC of it under a server secret.

A client cannot choose its own id ("aaaaaaaa", a pupil number) or guess another's: an id whose
signature does not check out is treated like an unknown one, and the turn starts a new session
with a new id. Replicas that share conversations (Redis) must share the secret
(SIGNPOST_SESSION_SECRET); the embedded default may use a random one per process.
"""
import hashlib
import hmac
import os
import re
import secrets
from typing import Optional

_ID_BYTES = 16      # 128 random bits: 32 hex characters
_SIGNATURE_HEX = 32  # the first 128 bits of HMAC-SHA256: 32 hex characters
_FORM = re.compile(r"[0-9a-f]{%d}" % (2 * _ID_BYTES + _SIGNATURE_HEX))


class SessionIds:
    def __init__(self, secret: Optional[str] = None):
        self._key = secret.encode() if secret else os.urandom(32)

    def _signature(self, random_part: str) -> str:
        return hmac.new(self._key, random_part.encode(), hashlib.sha256).hexdigest()[:_SIGNATURE_HEX]

    def issue(self) -> str:
        random_part = secrets.token_hex(_ID_BYTES)
        return random_part + self._signature(random_part)

    def valid(self, session_id: Optional[str]) -> bool:
        if not session_id or not _FORM.fullmatch(session_id):
            return False
        random_part, signature = session_id[: 2 * _ID_BYTES], session_id[2 * _ID_BYTES:]
        return hmac.compare_digest(signature, self._signature(random_part))
