"""The schools that see insights: one configuration file (SIGNPOST_SCHOOLS_FILE, by default
deploy/schools.yml; an example is deploy/schools.example.yml).

Each school has an id (lower-case letters, digits and hyphens), a name, the origin of its
website (scheme://host[:port], as the browser sends it in Origin) and the SHA-256 of its access
token. An optional operator token (its SHA-256 only) sees all schools together. Tokens are never
stored, only their hashes: a token is 32 random bytes, so a plain SHA-256 cannot be reversed by
guessing.

    python -m bot.insights.schools token     # a new token, and the line to paste in the file
    python -m bot.insights.schools hash      # the SHA-256 of a token read from standard input
    python -m bot.insights.schools check [FILE]
(`make insights-token` runs the first.)
"""
import hashlib
import hmac
import re
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

from bot import yaml_files

SCHOOL_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
ALL_SCHOOLS = "*"  # the operator's scope: every school together


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class School:
    id: str
    name: str
    origin: str
    token_sha256: str


@dataclass(frozen=True)
class Access:
    """Who a token lets in: one school, or the operator (every school)."""
    school: Optional[School]  # None: the operator

    @property
    def operator(self) -> bool:
        return self.school is None


class Schools:
    def __init__(self, schools: List[School], operator_sha256: Optional[str] = None):
        self.by_id: Dict[str, School] = {s.id: s for s in schools}
        self.by_origin: Dict[str, str] = {s.origin: s.id for s in schools}
        self.operator_sha256 = operator_sha256

    @classmethod
    def load(cls, path) -> "Schools":
        """The file at `path`; no schools when it does not exist. Raises ValueError when it is wrong."""
        path = Path(path)
        if not path.is_file():
            return cls([])
        raw = yaml_files.safe_load(path.read_text(encoding="utf-8")) or {}
        return cls.parse(raw, str(path))

    @classmethod
    def parse(cls, raw: dict, where: str = "schools") -> "Schools":
        schools, seen_origins = [], set()
        for i, entry in enumerate(raw.get("schools") or []):
            sid, name = str(entry.get("id", "")), str(entry.get("name", "")).strip()
            origin = str(entry.get("origin", "")).strip().rstrip("/")
            digest = str(entry.get("token_sha256", "")).strip().lower()
            if not SCHOOL_ID.match(sid):
                raise ValueError(f"{where}: school {i + 1}: id {sid!r} must be lower-case letters, digits and hyphens")
            if not name:
                raise ValueError(f"{where}: school {sid}: a name is needed")
            if not ORIGIN.match(origin):
                raise ValueError(f"{where}: school {sid}: origin {origin!r} must be scheme://host[:port]")
            if not SHA256.match(digest):
                raise ValueError(f"{where}: school {sid}: token_sha256 must be 64 hex digits "
                                 "(python -m bot.insights.schools token)")
            if origin in seen_origins or any(s.id == sid for s in schools):
                raise ValueError(f"{where}: school {sid}: its id or origin is listed twice")
            seen_origins.add(origin)
            schools.append(School(sid, name, origin, digest))
        operator = ((raw.get("operator") or {}).get("token_sha256") or "").strip().lower() or None
        if operator is not None and not SHA256.match(operator):
            raise ValueError(f"{where}: operator token_sha256 must be 64 hex digits")
        hashes = [s.token_sha256 for s in schools] + ([operator] if operator else [])
        if len(set(hashes)) != len(hashes):
            raise ValueError(f"{where}: two schools (or a school and the operator) share a token")
        return cls(schools, operator)

    def school_of_origin(self, origin: Optional[str]) -> str:
        """The id of the school whose website this origin is; "" for any other."""
        if not origin:
            return ""
        return self.by_origin.get(origin.rstrip("/"), "")

    def access(self, token: Optional[str]) -> Optional[Access]:
        """Who this token is, or None. Every hash is compared (in constant time), whatever matches."""
        if not token or not token.strip() or len(token) > 200:
            return None
        given = token_hash(token)
        found: Optional[Access] = None
        for school in self.by_id.values():
            if hmac.compare_digest(given, school.token_sha256):
                found = Access(school)
        if self.operator_sha256 and hmac.compare_digest(given, self.operator_sha256):
            found = Access(None)
        return found

    def name_of(self, school_id: str) -> str:
        school = self.by_id.get(school_id)
        return school.name if school else "Not a listed school"


def main(argv: List[str]) -> int:
    command = argv[0] if argv else "token"
    if command == "token":
        token = new_token()
        print(f"token (give it to the school's safeguarding lead; it is not stored anywhere): {token}")
        print(f"token_sha256: {token_hash(token)}")
        return 0
    if command == "hash":
        token = sys.stdin.readline().strip()
        if not token:
            print("give the token on standard input", file=sys.stderr)
            return 2
        print(token_hash(token))
        return 0
    if command == "check":
        from bot.runtime.settings import Settings

        path = argv[1] if len(argv) > 1 else Settings().schools_file
        schools = Schools.load(path)
        print(f"{path}: {len(schools.by_id)} schools, operator token {'set' if schools.operator_sha256 else 'not set'}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
