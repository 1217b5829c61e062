"""`python -m tests.bench.notices COUNT`: add COUNT published notices to the demo database for `make bench`.

Rows are written in batches with core inserts (the services would take minutes for 100k); the search table is
filled the way the services fill it, so the list and the trigram search are measured at size.
"""
import random
import sys
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, insert, select, text

from app import create_app
from app.extensions import db
from app.notices.models import Notice, NoticeCategory
from app.notices.search import FTS_TABLE
from app.org.models import Bureau

PLACES = ["云溪区", "东湖区", "清江市", "青山县", "白河县", "松岭县", "石门县", "梅溪县"]
TOPICS = ["环境空气质量", "地表水水质", "饮用水水源地水质", "声环境质量", "重点排污单位监测", "建设项目环评",
          "行政处罚决定", "突发环境事件处置", "土壤污染状况", "固体废物污染防治"]
KINDS = ["月报", "季报", "公告", "通报", "批复", "决定书"]
BATCH = 5000


def load(count: int, seed: int = 7) -> int:
    rng = random.Random(seed)
    categories = db.session.scalars(select(NoticeCategory.id)).all()
    bureaus = db.session.execute(select(Bureau.id, Bureau.code)).all()
    start = (db.session.scalar(select(func.max(Notice.id))) or 0) + 1
    now = datetime.now(timezone.utc)
    for first in range(0, count, BATCH):
        rows = []
        for number in range(first, min(first + BATCH, count)):
            bureau_id, code = bureaus[number % len(bureaus)]
            published = now - timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
            created = (published - timedelta(days=rng.randrange(20))).date()
            title = f"{rng.choice(PLACES)}{rng.choice(TOPICS)}{rng.choice(KINDS)}（第{number}号）"
            summary = f"{title}的主要内容：监测{rng.randrange(5, 40)}项，达标率{rng.randrange(80, 100)}%。"
            rows.append(dict(
                index_number=f"bench-{code}/{created.year}-{number:07d}", index_year=created.year,
                index_seq=1_000_000 + number, state="published", category_id=rng.choice(categories),
                bureau_id=bureau_id, created_on=created, title_zh_hans=title, title_zh_hant="", title_en="",
                summary_zh_hans=summary, summary_zh_hant="", summary_en="", body_zh_hans=summary * 3,
                body_zh_hant="", body_en="", search_text=f"{title}\n{summary}\n{summary * 3}", publish_at=None,
                published_at=published, revision=1, review_comment="", withdrawn_reason="", created_at=published,
                updated_at=published))
        db.session.execute(insert(Notice), rows)
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text(f"INSERT INTO {FTS_TABLE} (rowid, search_text) "
                                "SELECT id, search_text FROM notices WHERE id >= :start"), {"start": start})
    db.session.commit()
    return count


if __name__ == "__main__":
    app = create_app()
    with app.app_context():
        print(f"{load(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)} notices added")
