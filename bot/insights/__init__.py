"""Insights for a school's safeguarding lead: counts, never conversations.

When a conversation ends, one record is added to the counts: the school (from the allowed origin
that started it), the ISO week, the topics reached, the highest risk level, the audience, the
age band, whether a service card was opened; for a conversation the person deleted, only that
an exit happened (`record.py`, `recorder.py`). The counts live in SQLite under `var/` or in
Redis (`store.py`) for two years. Before anything leaves the server, months are released only
when complete and only through disclosure control (`disclosure.py`, `report.py`: fewer than 5,
rounding to 5, secondary suppression, totals only under 20 conversations), with a plain-English
summary made from the released figures alone. Schools, their origins and hashed access tokens
are in one file (`schools.py`). May import `bot`, `bot.runtime` and `bot.domain`.
"""
