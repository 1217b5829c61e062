"""Time and peak memory of a response export, in a process of its own so that its peak RSS is the export's.

`python -m tests.bench.survey_export csv|xlsx <survey id>` with DATABASE_URL set prints one JSON line. The
chunks are what the admin download streams (app.surveys.exports), counted and thrown away.
"""
import json
import resource
import sys
import time

from app import create_app
from app.extensions import db
from app.surveys import exports, queries


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main() -> None:
    fmt, survey_id = sys.argv[1], int(sys.argv[2])
    chunks = {"csv": exports.csv_chunks, "xlsx": exports.xlsx_chunks}[fmt]
    app = create_app()
    with app.app_context():
        survey = queries.load_survey(db.session, survey_id)
        before = peak_rss_mb()
        started = time.perf_counter()
        size = lines = 0
        for chunk in chunks(db.session, survey):
            size += len(chunk)
            lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
    sys.stdout.write(json.dumps({"format": fmt, "seconds": round(seconds, 2), "bytes": size,
                                 "rows": lines - 1 if fmt == "csv" else None,
                                 "rss_before_mb": round(before, 1), "peak_rss_mb": round(peak_rss_mb(), 1)}) + "\n")


if __name__ == "__main__":
    main()
