"""Bench pollution tips: bulk-loaded into the demo database with their statistics tallies, and counted.

Run as `python -m tests.bench.tip_data <command> …` with DATABASE_URL set; each command prints one JSON line:
  load <total>   top the tips up to <total>                    → {"added", "seconds", "tally_received", …}
  forms <n>      n valid report forms as form fields            → {"forms": [[[name, value]…]…], "category_id", …}
  count          stored tips and the received tally             → {"stored", "tally_received"}

Going through submit_tip and take_step would take hours for a million tips, so `load` writes the rows
directly, in batches (executemany on SQLite, COPY on PostgreSQL) inside one transaction: the tips, spread over
the demo's districts and categories and submitted over the last three years, each taken through a simulated
handling (decision, assignment, investigation, conclusion, the reporter's rating or the office's closing; some
merged as duplicates, some late, a few stuck) as far as "now", their category links, a `submitted` timeline
entry each and the decision's entry where one was taken. The tallies are counted in Python from the same
simulation with the names and rules of `app.tips.tallies.add` — received (category 0 and each kind) on
arrival; decided, accepted / not_accepted, decide_days and decided_on_time on the decision; concluded,
conclude_days and conclude_on_time on the first conclusion (not again after a review); satisfied /
unsatisfied on the rating that closes the case; merged — in the month (city time) and district the tip was
received in, and written with `app.db_types.add_to_counters` like the services do.
"""
import hashlib
import json
import random
import sys
import time
from collections import Counter
from itertools import accumulate
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select, text

from app import create_app
from app.accounts.models import User
from app.db_types import add_to_counters, analyze, utcnow
from app.extensions import db
from app.org.queries import districts
from app.tips import queries
from app.tips.models import Tip, TipEvent, TipTally, tip_category_links
from app.tips.workflow import TipState
from tests.bench.survey_data import _next_id, insert_rows

BATCH = 20_000
YEARS = 3
DAY = 86400.0

# How often each kind is reported (by category code), and a few descriptions for each top-level kind.
KIND_WEIGHTS = {"air": 8, "air-smoke": 14, "air-burning": 8, "water": 6, "water-outfall": 12, "noise": 10,
                "noise-building": 16, "waste": 10, "soil": 2, "radiation": 1, "ecology": 4, "other": 9}
DESCRIPTIONS = {
    "air": ["化工园区一家工厂夜间排放黄色烟雾，气味刺鼻。", "搅拌站粉尘很大，周边车辆和窗台全是灰。",
            "村口空地有人焚烧垃圾和秸秆，浓烟飘进小区。", "烧烤摊油烟直排，楼上住户无法开窗。"],
    "water": ["河边排污口排出发黑的污水，河面有泡沫。", "养殖场废水直接排进水渠，味道很臭。",
              "小区旁的河道漂满垃圾，水发绿发臭。"],
    "noise": ["工地晚上十一点以后仍在打桩施工。", "工厂风机噪声日夜不停，影响休息。",
              "广场舞音响声音太大，持续到深夜。"],
    "waste": ["路边堆放大量建筑垃圾，长期没人清运。", "有人在山坳里倾倒不明工业废渣。"],
    "soil": ["废弃厂房周边土壤发黑，雨后有异味。"],
    "radiation": ["居民楼顶新装的设备疑似有辐射，居民担心。"],
    "ecology": ["有人在山上乱砍树木、挖沙取土。", "湿地被填平用来堆放渣土。"],
    "other": ["小区门口的广告噪声和灯光影响居民。", "加油站附近有很重的油气味。"],
}
REJECT_REASON = "不属于生态环境部门职责，请向市场监管部门反映（12315）。"
FINDINGS = "现场检查属实，已责令整改。"
MEASURES = "立案处罚并限期整改，整改后复查达标。"
REPLY = "经查属实，已依法处理，感谢您的监督。"
STREETS = ["人民路", "解放路", "滨江大道", "工业园路", "中山路", "建设路", "河西街", "新华路", "环城北路", "青年路"]
SURNAMES = "王李张刘陈杨黄赵吴周"


def _rules():
    """The site's own deadline rules and city time zone (needs the app context)."""
    from flask import current_app

    from app.tips.settings import rules_from
    return rules_from(current_app.config, db.session)


def _hash(number: int) -> str:
    """A unique code hash for bulk tip number `number` (its id); no real tracking code hashes to it."""
    return hashlib.sha256(f"bench-tip-{number}".encode()).hexdigest()




def _setting(session) -> dict:
    """What the generated tips refer to: the demo's districts, categories and the admin who decides."""
    places = districts(session)
    kinds = queries.categories(session, active_only=False)
    if not places or not kinds:
        raise RuntimeError("the bench database has no districts or tip categories: run `flask seed-demo` first")
    by_code = {c.code: c for c in kinds}
    admin = session.scalar(select(User.id).where(User.role == "admin").order_by(User.id).limit(1))
    return {"places": places, "kinds": kinds, "by_code": by_code, "admin": admin}


def simulate(rng: random.Random, submitted: datetime, now: datetime, rules) -> dict:
    """The tip's handling up to now: its fields, its decision (if any) and the tally counts each step added."""
    local = rules.local_date
    received = local(submitted)
    tip = {"state": TipState.SUBMITTED.value, "accept_due": rules.due(received, rules.accept_days),
           "accepted_at": None, "conclude_due": None, "concluded_at": None, "not_accepted_reason": "",
           "findings": "", "measures_taken": "", "reply": "", "rating": None, "review_requested": False,
           "merged": False, "decision": None}
    counts = Counter()

    def at(days: float) -> datetime:
        return submitted + timedelta(seconds=days * DAY)

    roll = rng.random()
    if roll < 0.03:  # a duplicate the office merges into another open tip
        when = at(rng.uniform(0.2, 10))
        if when <= now:
            tip.update(state=TipState.MERGED.value, merged=True, decision=("merge", when))
            counts["merged"] += 1
        return {"tip": tip, "counts": counts}
    # The decision: mostly within the 15 days, some late.
    decided = at(rng.uniform(0.1, 14) if rng.random() < 0.93 else rng.uniform(14, 30))
    if decided > now:
        return {"tip": tip, "counts": counts}
    accepted = rng.random() < 0.85
    counts.update({"decided": 1, "accepted" if accepted else "not_accepted": 1,
                   "decide_days": (local(decided) - received).days,
                   "decided_on_time": int(local(decided) <= tip["accept_due"])})
    if not accepted:
        tip.update(state=TipState.NOT_ACCEPTED.value, not_accepted_reason=REJECT_REASON, decision=("reject", decided))
        return {"tip": tip, "counts": counts}
    tip.update(state=TipState.ACCEPTED.value, accepted_at=decided, decision=("accept", decided),
               conclude_due=rules.due(local(decided), rules.conclude_days))
    assigned = decided + timedelta(seconds=rng.uniform(0.1, 3) * DAY)
    investigating = assigned + timedelta(seconds=rng.uniform(0.1, 5) * DAY)
    kind = rng.random()  # most concluded within the 60 days, some late, a few stuck for months
    took = rng.uniform(5, 50) if kind < 0.90 else rng.uniform(50, 90) if kind < 0.98 else rng.uniform(90, 500)
    concluded = investigating + timedelta(seconds=took * DAY)
    if assigned > now:
        return {"tip": tip, "counts": counts}
    tip["state"] = TipState.ASSIGNED.value
    if investigating > now:
        return {"tip": tip, "counts": counts}
    tip["state"] = TipState.INVESTIGATING.value
    if concluded > now:
        return {"tip": tip, "counts": counts}
    tip.update(state=TipState.CONCLUDED.value, concluded_at=concluded, findings=FINDINGS, measures_taken=MEASURES,
               reply=REPLY)
    counts.update({"concluded": 1, "conclude_days": (local(concluded) - received).days,
                   "conclude_on_time": int(local(concluded) <= tip["conclude_due"])})
    outcome = rng.random()
    if outcome < 0.55:  # satisfied: the rating closes the case
        if concluded + timedelta(seconds=rng.uniform(1, 14) * DAY) <= now:
            tip.update(state=TipState.CLOSED.value, rating="satisfied")
            counts["satisfied"] += 1
    elif outcome < 0.63:  # not satisfied: reviewed once, concluded again (not counted again), rated again
        rated = concluded + timedelta(seconds=rng.uniform(1, 10) * DAY)
        if rated <= now:
            tip.update(state=TipState.INVESTIGATING.value, rating="unsatisfied", review_requested=True,
                       concluded_at=None)
            again = rated + timedelta(seconds=rng.uniform(5, 30) * DAY)
            if again <= now:
                tip.update(state=TipState.CONCLUDED.value, concluded_at=again)
                final = again + timedelta(seconds=rng.uniform(1, 10) * DAY)
                if final <= now:
                    tip.update(state=TipState.CLOSED.value, rating="satisfied" if rng.random() < 0.6 else "unsatisfied")
                    counts[tip["rating"]] += 1
    elif concluded + timedelta(days=15) <= now:  # no rating: the office closes it (nothing counted)
        tip["state"] = TipState.CLOSED.value
    return {"tip": tip, "counts": counts}


def load(session, total: int, rules, seed: int = 2026) -> dict:
    """Add tips until there are `total`, with their links, events and tallies; returns what it took."""
    postgres = session.get_bind().dialect.name == "postgresql"
    if not postgres:
        session.execute(text("PRAGMA cache_size=-262144"))  # the loader's connection only: 256 MB
    setting = _setting(session)
    places, by_code, admin = setting["places"], setting["by_code"], setting["admin"]
    codes = [code for code in KIND_WEIGHTS if code in by_code]
    weights = list(accumulate(KIND_WEIGHTS[code] for code in codes))
    centres = {p.id: (29.4 + 2.6 * ((i * 0.37) % 1), 111.5 + 4.5 * ((i * 0.61) % 1)) for i, p in enumerate(places)}
    started = time.perf_counter()
    existing = session.scalar(select(func.count()).select_from(Tip))
    wanted = max(0, total - existing)
    rng = random.Random(seed + existing)
    tip_id = _next_id(session, Tip.id)
    event_id = _next_id(session, TipEvent.id)
    now = utcnow()
    span = YEARS * 365 * DAY
    # Submission times over the last three years, oldest first, so that ids grow with time within a load.
    moments = sorted(rng.uniform(0, span) for _ in range(wanted))
    tallies = Counter()
    last_in_district = {}  # the tip a duplicate in the same district is merged into
    states = Counter()
    tip_columns = [c.name for c in Tip.__table__.columns]
    event_columns = ["id", "tip_id", "at", "step", "public", "note", "actor_id", "bureau_id"]
    link_columns = ["tip_id", "category_id"]
    links_added = events_added = 0
    for start in range(0, wanted, BATCH):
        tips, links, events = [], [], []
        for offset in moments[start:start + BATCH]:
            submitted = now - timedelta(seconds=span - offset)
            place = places[rng.randrange(len(places))]
            chosen = [by_code[rng.choices(codes, cum_weights=weights)[0]]]
            if rng.random() < 0.15:
                extra = by_code[rng.choices(codes, cum_weights=weights)[0]]
                if extra is not chosen[0]:
                    chosen.append(extra)
            top = chosen[0].parent or chosen[0]
            outcome = simulate(rng, submitted, now, rules)
            fields, counts = outcome["tip"], outcome["counts"]
            states[fields["state"]] += 1
            month = submitted.astimezone(rules.zone).strftime("%Y-%m")
            for category_id in [0] + [c.id for c in chosen]:
                tallies[(month, place.id, category_id, "received")] += 1
            for name, value in counts.items():
                if value:
                    tallies[(month, place.id, 0, name)] += value
            anonymous = rng.random() < 0.8
            located = rng.random() < 0.7
            lat, lon = centres[place.id]
            merged_into = last_in_district.get(place.id) if fields["merged"] else None
            closed_named = not anonymous and fields["state"] == TipState.CLOSED.value and fields["rating"]
            reward = closed_named and rng.random() < 0.1
            exposed = None
            if fields["state"] == TipState.CLOSED.value and fields["concluded_at"] and rng.random() < 0.0007:
                exposed = fields["concluded_at"] + timedelta(days=rng.uniform(3, 30))
                exposed = exposed if exposed <= now else None
            row = {
                "id": tip_id, "code_hash": _hash(tip_id), "state": fields["state"],
                "description": rng.choice(DESCRIPTIONS.get(top.code, DESCRIPTIONS["other"])),
                "district_id": place.id, "address": f"{rng.choice(STREETS)}{rng.randrange(1, 400)}号附近",
                "latitude": Decimal(f"{lat + rng.uniform(-0.15, 0.15):.6f}") if located else None,
                "longitude": Decimal(f"{lon + rng.uniform(-0.15, 0.15):.6f}") if located else None,
                "observed_at": submitted - timedelta(minutes=rng.randrange(10, 600)) if rng.random() < 0.5 else None,
                "reported_unit": "", "anonymous": anonymous,
                "reporter_name": "" if anonymous else rng.choice(SURNAMES) + "先生",
                "reporter_phone": "" if anonymous else f"139{rng.randrange(10**8):08d}",
                "bureau_id": next((c.bureau_id for c in chosen if c.bureau_id), None), "submitted_at": submitted,
                "accept_due": fields["accept_due"], "accepted_at": fields["accepted_at"],
                "conclude_due": fields["conclude_due"], "concluded_at": fields["concluded_at"],
                "not_accepted_reason": fields["not_accepted_reason"], "findings": fields["findings"],
                "measures_taken": fields["measures_taken"], "reply": fields["reply"], "extension_state": None,
                "extension_days": None, "extension_reason": "", "rating": fields["rating"], "rating_comment": "",
                "review_requested": fields["review_requested"], "duplicate_of_id": merged_into,
                "merged_into_id": merged_into, "reward_state": "paid" if reward else None,
                "reward_amount": Decimal(rng.choice([200, 500, 1000, 2000])) if reward else None,
                "exposed_at": exposed, "exposure_title": "企业违法排污被查处" if exposed else "",
                "exposure_summary": "群众举报后执法人员现场检查，查实违法排污，已立案处罚并责令整改。"
                if exposed else "",
                "escalations": 0,
                # 属实 / 部分属实 / 不属实 on every concluded tip (an exposed one was verified); no review running.
                "finding": None if not fields["concluded_at"] else "substantiated" if exposed else rng.choices(
                    ["substantiated", "partly", "unsubstantiated"], weights=[6, 2, 2])[0],
                "review_due": None, "review_answered_at": None, "review_opinion": "", "re_review_opinion": "",
            }
            tips.append(tuple(row[c] for c in tip_columns))
            links += [(tip_id, c.id) for c in chosen]
            events.append((event_id, tip_id, submitted, "submitted", True, "", None, None))
            event_id += 1
            if fields["decision"]:
                step, when = fields["decision"]
                note = {"reject": REJECT_REASON, "merge": f"{submitted:%Y}-{merged_into or 0:06d}"}.get(step, "")
                events.append((event_id, tip_id, when, step, True, note, admin, None))
                event_id += 1
            if fields["state"] in (TipState.SUBMITTED.value, TipState.ACCEPTED.value):
                last_in_district[place.id] = tip_id
            tip_id += 1
        insert_rows(session, Tip.__table__, tip_columns, tips)
        insert_rows(session, tip_category_links, link_columns, links)
        insert_rows(session, TipEvent.__table__, event_columns, events)
        links_added += len(links)
        events_added += len(events)
    rows_seconds = time.perf_counter() - started
    items = sorted(tallies.items())
    keys = ["month", "district_id", "category_id", "name"]
    for start in range(0, len(items), 1000):  # stay under SQLite's limit on bound parameters
        add_to_counters(session, TipTally, keys, [dict(zip(keys, key), total=value)
                                                  for key, value in items[start:start + 1000]])
    if postgres:  # ids were given explicitly: move the sequences past them for later inserts
        for table in ("tips", "tip_events"):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT max(id) FROM {table}))"))
    session.commit()
    if postgres:  # what autovacuum would soon do; measuring before it runs would measure its timing
        connection = session.connection().connection.driver_connection
        connection.autocommit = True
        for table in ("tips", "tip_category_links", "tip_events", "tip_tallies"):
            connection.execute(f"VACUUM ANALYZE {table}")
        connection.autocommit = False
    else:  # the statistics `flask db-analyze` keeps (daily in production) for the loaded tables
        analyze(session)
        session.commit()
        session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    seconds = time.perf_counter() - started
    today = rules.local_date(now)
    open_states = queries.OPEN_STATES
    result = {"added": wanted, "links_added": links_added, "events_added": events_added,
              "total": existing + wanted, "rows_seconds": round(rows_seconds, 2), "seconds": round(seconds, 2),
              "tally_rows": session.scalar(select(func.count()).select_from(TipTally)),
              "states_added": dict(states),
              "open": session.scalar(select(func.count()).where(Tip.state.in_(open_states))),
              "overdue": session.scalar(select(func.count(Tip.id)).where(queries.running_due_before(today))),
              **count(session)}
    result.update(_choices(setting))
    return result


def _choices(setting: dict) -> dict:
    """A category and a district the bench filters the pages by: the most reported kind, the first district."""
    return {"category_id": setting["by_code"]["noise-building"].id if "noise-building" in setting["by_code"]
            else setting["kinds"][0].id, "district_id": setting["places"][0].id}


def forms(session, number: int, seed: int = 99) -> dict:
    """Valid report forms (without the CSRF token), anonymous, spread over the kinds and districts."""
    setting = _setting(session)
    rng = random.Random(seed)
    codes = [code for code in KIND_WEIGHTS if code in setting["by_code"]]
    weights = list(accumulate(KIND_WEIGHTS[code] for code in codes))
    centres = {p.id: (29.4 + 2.6 * ((i * 0.37) % 1), 111.5 + 4.5 * ((i * 0.61) % 1))
               for i, p in enumerate(setting["places"])}
    result = []
    for _ in range(number):
        kind = setting["by_code"][rng.choices(codes, cum_weights=weights)[0]]
        place = rng.choice(setting["places"])
        top = kind.parent or kind
        fields = [("categories", str(kind.id)),
                  ("description", rng.choice(DESCRIPTIONS.get(top.code, DESCRIPTIONS["other"]))),
                  ("district", str(place.id)), ("address", f"{rng.choice(STREETS)}{rng.randrange(1, 400)}号附近"),
                  ("identity", "anonymous"), ("consent", "y")]
        if rng.random() < 0.7:
            lat, lon = centres[place.id]
            fields += [("latitude", f"{lat + rng.uniform(-0.15, 0.15):.6f}"),
                       ("longitude", f"{lon + rng.uniform(-0.15, 0.15):.6f}")]
        result.append(fields)
    return {"forms": result, **_choices(setting)}


def count(session) -> dict:
    """Stored tips against the received tally of every kind together (category 0): they must be equal."""
    stored = session.scalar(select(func.count()).select_from(Tip))
    received = session.scalar(select(func.coalesce(func.sum(TipTally.total), 0))
                              .where(TipTally.category_id == 0, TipTally.name == "received"))
    return {"stored": stored, "tally_received": int(received)}


def main() -> None:
    command, *args = sys.argv[1:]
    app = create_app()
    with app.app_context():
        if command == "load":
            result = load(db.session, int(args[0]), _rules())
            print(f"sum(received, category 0) = {result['tally_received']:,}; tips stored = {result['stored']:,}"
                  f"{'' if result['tally_received'] == result['stored'] else ' — MISMATCH'}", file=sys.stderr)
        elif command == "forms":
            result = forms(db.session, int(args[0]))
        elif command == "count":
            result = count(db.session)
        else:
            sys.exit(__doc__)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
