"""The content review a safeguarding lead signs: every reply as a case (`cases.py`), where its
words come from (`sources.py`), the HTML page (`report.py`, `make content-report`) and the
sign-off manifest `content-signoff.yml` (`signoff.py`, `make content-awaiting` / `content-sign`)."""
