"""A simulated school term through the real API, then the insights page it gives.

    make insights-demo        (INSIGHTS_SIM_CONVERSATIONS=2000 by default)
    python -m tooling.insights_sim --conversations 2000 --out results/insights-demo

Starts the action server (bot.runtime.processes) and the API in this process with the trained
model, as the tests do, with six schools (origins https://<id>.example.org) and a fresh counts
file. Week by week over the autumn term (17 August to 29 November 2026), it runs conversations
from the schools' origins: young people, parents and staff, 1 to 3 turns each, some opening a
service's link, some ending with "End chat"; then ends that week's conversations (the store's
sweep, told the time has passed). The only thing simulated is the clock that dates the counts
(create_app's insights_clock): everything else is the real gateway, model, action server, store
and recorder. Then it renders the pages: results/insights-demo/<school>.html, all-schools.html,
the CSVs, tokens.txt, and screenshots at 360 px and 1280 px (Debian's Chromium, if installed).
"""
import argparse
import json
import os
import random
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from bot import ROOT
from bot.insights.schools import new_token, token_hash
from bot.runtime.processes import start_action_server
from bot.runtime.settings import MODEL_PATH

SCHOOLS = [("hillview-academy", "Hillview Academy", 5), ("burnside-primary", "Burnside Primary School", 2),
           ("kirkton-high", "Kirkton High School", 4), ("st-marys", "St Mary's Academy", 3),
           ("glen-park", "Glen Park Primary", 1), ("riverside-high", "Riverside High School", 3)]
TERM_START = date(2026, 8, 17)
TERM_WEEKS = 15
# What a young person / a parent / a member of staff writes about each topic ({a}: an age).
MESSAGES = {
    "image_sharing": ("im {a} and someone is threatening to share my nudes unless i send more",
                      "My {a} year old daughter sent a photo to a boy and now it's being shared around school",
                      "A pupil aged {a} told me intimate images of her are being shared"),
    "bullying": ("im {a} and people in my class keep sending me hate on snap",
                 "My {a} year old son is being picked on in a WhatsApp group",
                 "I teach S2 and a pupil aged {a} is being bullied online by classmates"),
    "grooming": ("im {a} and a man i met on a game keeps asking me to keep secrets and send pics",
                 "My {a} year old is talking to an adult stranger online who sends her gifts",
                 "A pupil aged {a} says an adult online asked to meet her"),
    "scams_hacking": ("im {a} and someone hacked my instagram and changed the password",
                      "My {a} year old got scammed buying trainers online",
                      "A pupil aged {a} had his gaming account hacked"),
    "harmful_content": ("im {a} and i saw a really horrible video of someone getting hurt",
                        "My {a} year old keeps seeing violent videos on tiktok",
                        "Pupils aged {a} are sharing a dangerous challenge video"),
    "self_harm": ("im {a} and i feel really low and i dont want to be here",
                  "My {a} year old says she wants to hurt herself",
                  "A pupil aged {a} told me she has been self-harming"),
    "general_safety": ("im {a} how do i make my account private",
                       "How do I set up parental controls for my {a} year old",
                       "I need lesson resources on online safety for pupils aged {a}"),
    "relationship_abuse": ("im {a} and my boyfriend checks my phone and tracks where i am",
                           "My {a} year old daughter's boyfriend controls who she talks to",
                           "A pupil aged {a} says her partner tracks her location"),
}
OPENINGS = ("hi", "hello")
FOLLOW_UPS = ("what can i do", "who can i talk to", "thanks")


def term_weights(week: int, age: int):
    """What worries whom, changing over the term: bullying early, image sharing rising among
    13-15s towards November, scams steady."""
    late = week / (TERM_WEEKS - 1)
    return {
        "bullying": 3.0 - 1.5 * late, "image_sharing": (1.0 + 3.5 * late) if 13 <= age <= 15 else 1.0,
        "grooming": 1.2 if age < 13 else 0.8, "scams_hacking": 1.0, "harmful_content": 1.0 if age < 13 else 0.6,
        "self_harm": 0.6, "general_safety": 1.2 if age < 13 else 0.4, "relationship_abuse": 0.7 if age >= 15 else 0.1,
    }


def pick(rng, weights):
    keys = list(weights)
    return rng.choices(keys, [weights[k] for k in keys])[0]


def conversation(rng, week):
    age = rng.choice([10, 11, 12, 13, 13, 14, 14, 15, 15, 16, 17])
    topic = pick(rng, term_weights(week, age))
    who = rng.choices([0, 1, 2], [6, 3, 1])[0]
    turns = []
    if rng.random() < 0.15:
        turns.append(rng.choice(OPENINGS))
    turns.append(MESSAGES[topic][who].format(a=age))
    if rng.random() < 0.35:
        turns.append(rng.choice(FOLLOW_UPS))
    return turns


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=int(os.environ.get("INSIGHTS_SIM_CONVERSATIONS", 2000)))
    parser.add_argument("--out", default=str(ROOT / "results" / "insights-demo"))
    parser.add_argument("--seed", type=int, default=24)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in ("counts.sqlite3", "counts.sqlite3-wal", "counts.sqlite3-shm"):
        (out / old).unlink(missing_ok=True)
    tokens = {sid: new_token() for sid, _, _ in SCHOOLS}
    tokens["operator"] = new_token()
    lines = [f"operator: {{token_sha256: {token_hash(tokens['operator'])}}}", "schools:"]
    lines += [f'  - {{id: {sid}, name: "{name}", origin: "https://{sid}.example.org", '
              f"token_sha256: {token_hash(tokens[sid])}}}" for sid, name, _ in SCHOOLS]
    (out / "schools.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "tokens.txt").write_text("".join(f"{k}: {v}\n" for k, v in tokens.items()), encoding="utf-8")

    clock = [datetime(2026, 8, 19, 12, tzinfo=timezone.utc)]
    server = start_action_server(quiet=True).wait_ready("/health", timeout=120)
    try:
        from fastapi.testclient import TestClient

        from api.main import create_app
        from bot.runtime.settings import Settings

        settings = Settings(model_path=str(MODEL_PATH), action_server_url=f"{server.url}/webhook",
                            rate_limit_per_client=0, rate_limit_per_session=0,
                            cors_origins=[f"https://{sid}.example.org" for sid, _, _ in SCHOOLS],
                            schools_file=str(out / "schools.yml"), insights_db=str(out / "counts.sqlite3"))
        app = create_app(settings, insights_clock=lambda: clock[0])
        rng = random.Random(args.seed)
        started, turns, opened, exits = time.monotonic(), 0, 0, 0
        per_week = args.conversations / TERM_WEEKS
        with TestClient(app) as client:
            done = 0
            for week in range(TERM_WEEKS):
                monday = TERM_START + timedelta(weeks=week)
                clock[0] = datetime(monday.year, monday.month, monday.day, 12, tzinfo=timezone.utc) + timedelta(days=2)
                n = round(per_week * (week + 1)) - round(per_week * week)
                for _ in range(n):
                    sid, _, _ = rng.choices(SCHOOLS, [w for _, _, w in SCHOOLS])[0]
                    headers = {"Origin": f"https://{sid}.example.org"}
                    session = None
                    for text in conversation(rng, week):
                        body = {"message": text, **({"session_id": session} if session else {})}
                        reply = client.post("/api/v1/chat", json=body, headers=headers)
                        turns += 1
                        session = reply.json().get("session_id", session)
                    if rng.random() < 0.3:
                        client.post(f"/api/v1/sessions/{session}/opened", headers=headers)
                        opened += 1
                    if rng.random() < 0.06:
                        client.delete(f"/api/v1/sessions/{session}", headers=headers)
                        exits += 1
                    done += 1
                # The week is over: its conversations expire (the sweep, told the time has passed).
                app.state.stores.sweep(now=time.monotonic() + settings.session_expiry_minutes * 60 + 1)
                print(f"week of {monday}: {done} conversations, {turns} turns, {time.monotonic() - started:.0f} s", flush=True)
        elapsed = time.monotonic() - started
        clock[0] = datetime.now(timezone.utc)  # the page as a lead opens it today
        client = TestClient(app)
        pages = {}
        for name, token in [("all-schools", tokens["operator"])] + [(sid, tokens[sid]) for sid, _, _ in SCHOOLS]:
            page = client.post("/insights", data={"token": token, "months": "6"})
            (out / f"{name}.html").write_text(page.text, encoding="utf-8")
            (out / f"{name}.csv").write_text(client.post("/insights.csv", data={"token": token, "months": "6"}).text,
                                             encoding="utf-8")
            pages[name] = page.status_code
        css = client.get("/insights/insights.css").text
        shots = screenshots(out, css, ["hillview-academy", "all-schools"])
        report = {"conversations": args.conversations, "turns": turns, "opened": opened, "exits": exits,
                  "schools": len(SCHOOLS), "term": f"{TERM_START} to {TERM_START + timedelta(weeks=TERM_WEEKS) - timedelta(days=1)}",
                  "seconds": round(elapsed, 1), "pages": pages, "screenshots": shots,
                  "stored_rows": len(app.state.insights.store.rows()) - 1}
        (out / "simulation.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
        print(json.dumps(report, indent=2))
        return 0
    finally:
        server.stop()


def screenshots(out: Path, css: str, names):
    """The rendered pages at 360 px and 1280 px, in Debian's Chromium (no request leaves: the page
    and its stylesheet are served from what was rendered)."""
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        return []
    from playwright.sync_api import sync_playwright

    made = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"])
        for name in names:
            html = (out / f"{name}.html").read_text(encoding="utf-8")
            for width, height, label in ((360, 740, "360"), (1280, 800, "desktop")):
                context = browser.new_context(viewport={"width": width, "height": height})
                page = context.new_page()
                page.route("**/*", lambda route: route.fulfill(
                    body=css, content_type="text/css") if route.request.url.endswith(".css") else route.fulfill(
                    body=html, content_type="text/html; charset=utf-8"))
                page.goto("https://example.org/insights")
                path = out / f"{name}-{label}.png"
                page.screenshot(path=str(path), full_page=True)
                made.append(str(path.relative_to(ROOT)))
                context.close()
        browser.close()
    return made


if __name__ == "__main__":
    raise SystemExit(main())
