"""Tools around the product, never imported by it: `evaluation/` (`make eval`), `bench/`
(`make bench`, `make chaos`) and `content_review/` (the sign-off page and manifest). May
import anything in `bot`, `api` and `actions`."""
