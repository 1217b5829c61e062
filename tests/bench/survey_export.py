"""Time and peak memory of a response export, in a process of its own so that its peak RSS is the export's.

`python -m tests.bench.survey_export csv|xlsx <survey id>` with DATABASE_URL set prints one JSON line. The
chunks are what the admin download streams (app.surveys.exports), counted and thrown away; the progress callback
is given as the background job gives it. Besides the wall time it reports the CPU seconds of this process and, on a
PostgreSQL server on this machine, of the database backend that served it (/proc), and the load average when it
started: on a machine shared with other work the wall time alone says little.
"""
import json
import os
import resource
import sys
import time
from pathlib import Path

from sqlalchemy import text

from app import create_app
from app.extensions import db
from app.surveys import exports, queries


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def backend_cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU of a local process from /proc (None when it is not on this machine or not readable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    fmt, survey_id = sys.argv[1], int(sys.argv[2])
    chunks = {"csv": exports.csv_chunks, "xlsx": exports.xlsx_chunks}[fmt]
    app = create_app()
    with app.app_context():
        session = db.session
        survey = queries.load_survey(session, survey_id)
        backend = (session.scalar(text("SELECT pg_backend_pid()"))
                   if session.get_bind().dialect.name == "postgresql" else None)
        told = []
        load = os.getloadavg()[0]
        before, cpu_before, backend_before = peak_rss_mb(), cpu_seconds(), backend_cpu_seconds(backend)
        started = time.perf_counter()
        size = lines = 0
        for chunk in chunks(session, survey, progress=told.append):
            size += len(chunk)
            lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
        cpu, backend_after = cpu_seconds() - cpu_before, backend_cpu_seconds(backend)
    peak = peak_rss_mb()
    sys.stdout.write(json.dumps({
        "format": fmt, "seconds": round(seconds, 2), "bytes": size,
        "rows": lines - 1 if fmt == "csv" else None,  # newlines: more than rows when answers hold line breaks
        "responses": told[-1] if told else 0, "progress_calls": len(told),
        "cpu_seconds": round(cpu, 2),
        "db_cpu_seconds": round(backend_after - backend_before, 2) if backend_after is not None else None,
        "load_average": round(load, 1),
        "rss_before_mb": round(before, 1), "peak_rss_mb": round(peak, 1),
        "rss_growth_mb": round(peak - before, 1)}) + "\n")


if __name__ == "__main__":
    main()
