"""`make bench`: serve the site with gunicorn, load it with wrk, and write BENCHMARKS.md.

Each page is measured next to a bare Flask "hello" endpoint in the same run, so ratios stay comparable
when the machine drifts. Server CPU per request is read from /proc for gunicorn's workers (and, on
PostgreSQL, for the database's processes).

Surveys, on SQLite and on PostgreSQL: a survey bulk-loaded to each size in SURVEY_SIZES, its results page,
JSON, form and submission measured with wrk at each size, its export timed, and a concurrent-submission run
whose accepted, stored and tallied counts must agree exactly.

Pollution tips, on SQLite (and PostgreSQL with BENCH_TIP_DATABASES=sqlite,postgresql): for each size in TIP_SIZES
a new demo database bulk-loaded with tips and their statistics tallies, then the public list (plain and
filtered), the statistics (all and one district), the exposure board, the handler's queue and the overdue board
(signed in as the demo admin) and the report submission measured with wrk at each size.

Environmental quality, on SQLite: the demo's air values replaced by hourly values of ENVIRONMENT_STATIONS stations
over each number of days in ENVIRONMENT_DAYS (one month, then five years: about 900k hours), their days,
place-days, months and years rebuilt by the site's aggregation (`tests/bench/environment_data.py`), then the
public air, water, data and bulletin pages and the API measured with wrk at each size, and each page's cost at
the last size divided by its cost at the first.

Participation, on SQLite: the demo database with activities × sign-ups bulk-loaded to each size in
PARTICIPATION_SIZES (`tests/bench/participation_data.py`; 200 × 100, then 2,000 × 500 more: about 1M sign-ups),
then the landing page, the figures, the activity list and an activity's page measured with wrk at each size.

Rectification ledger, on SQLite: one published inspection round topped up to each number of tasks in
RECTIFICATION_SIZES (`tests/bench/ledger_data.py`; 100, then 10,000), then the ledger index, a filtered index and
a task page measured with wrk at each size (served from the ledger's fragment cache), and the same pages rendered
in-process with the cache emptied before each request (the first request after a change).

Two app servers behind one address (`tests/bench/scaleout.py`), on PostgreSQL with the rate limits in Redis:
two gunicorn servers behind HAProxy (`tests/bench/haproxy.cfg`), a public page, the answer form and a survey
submission through one server and through the balancer in front of two, then the writes counted.

BENCH_ONLY="tips" (a comma-separated choice of pages, surveys, tips, environment, participation, rectification,
scaleout) runs only those parts and replaces only their sections of BENCHMARKS.md, keeping the others as they were.
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from itertools import count
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import urlopen

from sqlalchemy.engine import make_url

from tests.bench import survey_client
from tests.bench.survey_client import Browser

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
# The worker timeout `make run` uses (GUNICORN_TIMEOUT in the Makefile): long exports stream for a minute.
GUNICORN_TIMEOUT = os.environ.get("GUNICORN_TIMEOUT", "300")
WORKERS = 2
CONNECTIONS = 16
DURATION = os.environ.get("BENCH_DURATION", "10s")
# wrk's own default gives up on a request after 2 s and leaves it out of the counts and latencies: slow pages
# would look faster and cost more CPU per (counted) request than they do. Requests cut off are still reported.
WRK_TIMEOUT = os.environ.get("BENCH_WRK_TIMEOUT", "60s")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# (label, path) pages of the site measured at the demo data size; later modules add theirs here.
PAGES = [
    ("Home page `/`", "/"),
    ("Health check `/healthz`", "/healthz"),
    ("Privacy notice `/privacy`", "/privacy"),
    ("Indicator overview `/indicators/`", "/indicators/"),
    ("Indicator overview, htmx filter fragment", "/indicators/?place=qingshan&status=not_met"),
    ("District comparison `/indicators/districts`", "/indicators/districts"),
    ("One indicator `/indicators/7`", "/indicators/7"),
    ("API `/api/v1/districts/compliance`", "/api/v1/districts/compliance"),
    ("Disclosure notices `/notices/` (100k notices)", "/notices/"),
    ("Notices filtered by category and year", "/notices/?category=penalties&year=2025"),
    ("Notice search, trigram (`q=空气质量`)", "/notices/?q=%E7%A9%BA%E6%B0%94%E8%B4%A8%E9%87%8F"),
    ("Notice search, two characters (LIKE, `q=水质`)", "/notices/?q=%E6%B0%B4%E8%B4%A8"),
    ("One notice `/notices/1`", "/notices/1"),
    ("Atom feed `/notices/feed.atom`", "/notices/feed.atom"),
]
# Published notices added for the list and search pages.
NOTICES = 100_000
# Years of indicator values loaded: 38 indicators × 9 places × this many years.
INDICATOR_YEARS = 10
# Responses a survey is loaded to, one measurement round per size (BENCH_SURVEY_SIZES="10000,100000").
SURVEY_SIZES = [int(n) for n in os.environ.get("BENCH_SURVEY_SIZES", "10000,100000,1000000").split(",") if n]
# The concurrent-submission run: new browsers, how many at a time, and gunicorn sync workers (more than the
# cores, so that requests really write at the same time).
SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", 2000))
SUBMIT_CONNECTIONS = 32
SUBMIT_WORKERS = 4
# An XLSX export is skipped when the previous size's time, scaled up, predicts more seconds than this.
XLSX_BUDGET = 600
# Tips the bench database is loaded to, one measurement round per size (BENCH_TIP_SIZES="100000,1000000"), and
# the databases that round runs on (BENCH_TIP_DATABASES="sqlite,postgresql").
TIP_SIZES = [int(n) for n in os.environ.get("BENCH_TIP_SIZES", "100000,1000000").split(",") if n]
TIP_DATABASES = [d for d in os.environ.get("BENCH_TIP_DATABASES", "sqlite").split(",") if d]
# Air stations and days of hourly values the environment part loads, one measurement round per number of days
# (BENCH_ENVIRONMENT_DAYS="30,1826": a month, and five years of 20 stations ≈ 876k hours).
ENVIRONMENT_STATIONS = int(os.environ.get("BENCH_ENVIRONMENT_STATIONS", 20))
ENVIRONMENT_DAYS = [int(n) for n in os.environ.get("BENCH_ENVIRONMENT_DAYS", "30,1826").split(",") if n]
# Activities × sign-ups each added to the demo database, one measurement round per size
# (BENCH_PARTICIPATION_SIZES="200x100,2000x500": the second adds 1M sign-ups to the first's 20k).
PARTICIPATION_SIZES = [tuple(int(n) for n in size.split("x")) for size in
                       os.environ.get("BENCH_PARTICIPATION_SIZES", "200x100,2000x500").split(",") if size]
# Top-level tasks the bench inspection round is topped up to, one measurement round per size
# (BENCH_RECTIFICATION_SIZES="100,10000"), and the in-process renders without the cache timed at each size.
RECTIFICATION_SIZES = [int(n) for n in os.environ.get("BENCH_RECTIFICATION_SIZES", "100,10000").split(",") if n]
RECTIFICATION_COLD_RENDERS = 20
# Parts of the bench to run (BENCH_ONLY="tips"); the sections of parts not run are kept from BENCHMARKS.md.
ALL_PARTS = ("pages", "surveys", "tips", "environment", "participation", "rectification", "scaleout")
PARTS = [p for p in os.environ.get("BENCH_ONLY", ",".join(ALL_PARTS)).split(",") if p]
if not set(PARTS) <= set(ALL_PARTS):
    sys.exit(f"BENCH_ONLY must be a comma-separated choice of {', '.join(ALL_PARTS)}")
# The dedicated PostgreSQL database the survey measurements drop and create ("" skips PostgreSQL).
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/ecociv_bench")


SCALEOUT_HEADING = "## Two app servers behind one address"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


def cpu_seconds(parent_pid: int | None = None, name: str | None = None) -> float:
    """User + system CPU of the processes with this parent (gunicorn's workers) or this name (postgres)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm, fields = (entry / "stat").read_text().split(" (", 1)[1].rsplit(")", 1)
        except (OSError, ValueError):
            continue
        fields = fields.split()
        if int(fields[1]) == parent_pid or comm == name:
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def worker_cpu_seconds(master_pid: int) -> float:
    """User + system CPU of gunicorn's worker processes (children of the master)."""
    return cpu_seconds(parent_pid=master_pid)


def serve(app_spec: str, env: dict, workers: int = WORKERS) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [GUNICORN, "--workers", str(workers), "--worker-class", "sync", "--timeout", GUNICORN_TIMEOUT,
         "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", app_spec],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port)
    return process, port


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def wrk(url: str, script: Path | None = None, headers: tuple[str, ...] = ()) -> dict:
    extra = [arg for header in headers for arg in ("-H", header)]
    output = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "--timeout", WRK_TIMEOUT,
                             "-H", "Connection: close", *extra, *(["-s", str(script)] if script else []), url],
                            capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)

    def latency(percent: str) -> str:
        return re.search(rf"\s{percent}%\s+(\S+)", output).group(1)

    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), "requests": requests,
            "p50": latency("50"), "p99": latency("99"), "non_2xx": int(errors.group(1)) if errors else 0,
            "socket_errors": sum(map(int, sockets.groups())) if sockets else 0,
            "timeouts": int(sockets.group(4)) if sockets else 0}


def measure(process: subprocess.Popen, url: str, script: Path | None = None, headers: tuple[str, ...] = ()) -> dict:
    """wrk against url (with a Lua script, e.g. for POSTs, and extra headers such as a staff session cookie);
    the warm-up is always a GET of url with the same headers."""
    subprocess.run(["wrk", "-t1", "-c2", "-d1s", *[arg for header in headers for arg in ("-H", header)], url],
                   capture_output=True)  # warm up
    before, db_before = worker_cpu_seconds(process.pid), cpu_seconds(name="postgres")
    result = wrk(url, script, headers)
    after, db_after = worker_cpu_seconds(process.pid), cpu_seconds(name="postgres")
    result["cpu_us"] = (after - before) / max(result["requests"], 1) * 1e6
    result["db_cpu_us"] = (db_after - db_before) / max(result["requests"], 1) * 1e6
    return result


def prepare_database(env: dict, years: int = INDICATOR_YEARS, notices: int = NOTICES) -> None:
    flask = [PYTHON, "-m", "flask", "--app", "wsgi"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["seed-demo", "--years", str(years)], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    if notices:
        subprocess.run([PYTHON, "-m", "tests.bench.notices", str(notices)], cwd=ROOT, env=env, check=True,
                       capture_output=True)
    subprocess.run(flask + ["db-analyze"], cwd=ROOT, env=env, check=True, capture_output=True)


def survey_command(module: str, env: dict, *args) -> dict:
    """Run a tests.bench module against env's database; it answers with one JSON line."""
    output = subprocess.run([PYTHON, "-m", f"tests.bench.{module}", *map(str, args)], cwd=ROOT, env=env,
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.splitlines()[-1])


def admin_password(env: dict) -> str:
    lines = Path(env["DEMO_CREDENTIALS_FILE"]).read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines if "\t" in line)["admin"]


def prepare_postgres(env: dict, workdir: Path, database_url: str = "") -> tuple[dict | None, str]:
    """Drop and create the dedicated PostgreSQL database (POSTGRES_URL unless given), migrate and seed it; None
    and why when unavailable."""
    database_url = database_url or POSTGRES_URL
    if not database_url:
        return None, "BENCH_POSTGRES_URL is empty"
    import psycopg

    url = make_url(database_url)
    if "bench" not in (url.database or ""):
        sys.exit(f"BENCH_POSTGRES_URL names database {url.database!r}: the bench drops it, so its name must "
                 "contain 'bench'")
    server = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{url.database}"')
    except psycopg.OperationalError as error:
        return None, f"PostgreSQL not reachable at {url.host}:{url.port or 5432} ({str(error).splitlines()[0]})"
    postgres_env = dict(env, DATABASE_URL=database_url,
                        DEMO_CREDENTIALS_FILE=str(workdir / f"credentials-{url.database}.txt"))
    prepare_database(postgres_env, years=1, notices=0)
    return postgres_env, ""


def drop_postgres(database_url: str = "") -> None:
    import psycopg

    url = make_url(database_url or POSTGRES_URL)
    server = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def submit_script(workdir: Path, port: int, survey_id: int, forms: list) -> Path:
    """A wrk script POSTing complete answers: one session (CSRF token and cookie fetched once), without the
    survey_browser cookie so that every POST is a new respondent, and a new idempotency token each time."""
    browser = survey_client.Browser(port)
    fields = browser.form_fields(f"/surveys/{survey_id}")
    common = urlencode([("csrf_token", fields["csrf_token"]), ("step", "0"), ("consent", "yes"), ("move", "submit")])
    bodies = ", ".join(f'"{common}&{urlencode([tuple(pair) for pair in form])}"' for form in forms)
    script = workdir / f"submit-{survey_id}.lua"
    script.write_text(f"""-- POST complete answers to /surveys/{survey_id}, each with a new submission token.
local bodies = {{{bodies}}}
local count = 0
local prefix
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "session={browser.cookies['session']}"

function init(args)
  local file = io.open("/proc/sys/kernel/random/uuid")
  prefix = file:read("*l")
  file:close()
end

function request()
  count = count + 1
  return wrk.format(nil, nil, nil, bodies[count % #bodies + 1] .. "&submission=" .. prefix .. "-" .. count)
end
""", encoding="utf-8")
    return script


def print_row(label: str, result: dict) -> None:
    print(f"{label:40} {result['rps']:8.0f} req/s  p50 {result['p50']:>8}  p99 {result['p99']:>8}  "
          f"{result['cpu_us']:7.0f} µs CPU/req  non-2xx {result['non_2xx']}"
          + (f"  socket errors {result['socket_errors']} ({result['timeouts']} timed out)"
             if result.get("socket_errors") else ""))


def survey_exports(env: dict, port: int, survey_id: int, size: int, previous: dict) -> list[dict]:
    """CSV and XLSX exports timed in their own process, and the CSV downloaded as staff through gunicorn."""
    results = []
    for fmt in ("csv", "xlsx"):
        last = previous.get(fmt)
        predicted = last["seconds"] * size / last["size"] if last and fmt == "xlsx" else 0
        if predicted > XLSX_BUDGET:
            result = {"format": fmt, "skipped": f"skipped: about {predicted / 60:.0f} min predicted from "
                                                f"{last['size']:,} responses"}
        else:
            result = survey_command("survey_export", env, fmt, survey_id)
            previous[fmt] = {"seconds": result["seconds"], "size": size}
            if fmt == "csv":
                result["http"] = survey_client.download(port, "admin", admin_password(env),
                                                        f"/admin/surveys/{survey_id}/export.csv")
        result["size"] = size
        results.append(result)
        print(f"  export {fmt}: " + (result.get("skipped") or
                                     f"{result['seconds']:.1f} s, {result['bytes'] / 1e6:.0f} MB, "
                                     f"peak RSS {result['peak_rss_mb']:.0f} MB") +
              (f"; over HTTP {result['http']['outcome']} after {result['http']['seconds']:.1f} s, "
               f"{result['http']['bytes'] / 1e6:.0f} MB" if "http" in result else ""))
    return results


def concurrent_submissions(env: dict) -> dict:
    """SUBMISSIONS new browsers, SUBMIT_CONNECTIONS at a time, against a new survey: accepted = stored = tally n."""
    survey_id = survey_command("survey_data", env, "create")["survey_id"]
    forms = survey_command("survey_data", env, "answers", survey_id, 50)["forms"]
    server, port = serve("wsgi:app", env, SUBMIT_WORKERS)
    try:
        before, db_before = worker_cpu_seconds(server.pid), cpu_seconds(name="postgres")
        result = survey_client.submit_concurrently(port, survey_id, forms, SUBMISSIONS, SUBMIT_CONNECTIONS)
        result["cpu_ms"] = (worker_cpu_seconds(server.pid) - before) / SUBMISSIONS * 1000
        result["db_cpu_ms"] = (cpu_seconds(name="postgres") - db_before) / SUBMISSIONS * 1000
    finally:
        stop(server)
    result.update(survey_command("survey_data", env, "count", survey_id, "recount"))
    result["passed"] = (result["errors"] == 0 and result["options_mismatched"] == 0
                        and result["accepted"] == result["stored"] == result["tally_n"] == SUBMISSIONS)
    return result


def survey_bench(database: str, env: dict, workdir: Path, hello: subprocess.Popen, hello_port: int) -> dict:
    """The survey measurements on one database: each size in turn, then the concurrent-submission run."""
    report = {"database": database, "levels": [], "exports": []}
    survey_id = survey_command("survey_data", env, "create")["survey_id"]
    forms = survey_command("survey_data", env, "answers", survey_id, 50)["forms"]
    site, port = serve("wsgi:app", env)
    previous_exports = {}
    try:
        for size in SURVEY_SIZES:
            load = survey_command("survey_data", env, "load", survey_id, size)
            print(f"{database}, {load['total']:,} responses: {load['added']:,} added with "
                  f"{load['answers_added']:,} answers in {load['seconds']:.0f} s; tally n = stored: "
                  f"{load['tally_n'] == load['stored']}")
            report["exports"] += survey_exports(env, port, survey_id, size, previous_exports)
            level = {"size": size, "load": load, "pages": []}
            base = f"http://127.0.0.1:{port}/surveys/{survey_id}"
            for label, process, url in [
                    ("Bare Flask hello (reference)", hello, f"http://127.0.0.1:{hello_port}/"),
                    ("Results page `/surveys/<id>/results`", site, f"{base}/results"),
                    ("Results JSON `/api/v1/surveys/<id>/results`", site,
                     f"http://127.0.0.1:{port}/api/v1/surveys/{survey_id}/results"),
                    ("Answer form `GET /surveys/<id>`", site, base)]:
                result = measure(process, url)
                level["pages"].append((label, result))
                print_row(label, result)
            stored = survey_command("survey_data", env, "count", survey_id)["stored"]
            result = measure(site, base, submit_script(workdir, port, survey_id, forms))
            result["stored"] = survey_command("survey_data", env, "count", survey_id)["stored"] - stored
            level["pages"].append(("Submit answers `POST /surveys/<id>`", result))
            print_row("Submit answers `POST /surveys/<id>`", result)
            print(f"  {result['requests']} POSTs answered by the end of the wrk run, {result['stored']} stored")
            report["levels"].append(level)
    finally:
        stop(site)
    report["concurrent"] = concurrent = concurrent_submissions(env)
    print(f"{'PASS' if concurrent['passed'] else 'FAIL'}: {database}, {SUBMISSIONS} submissions over "
          f"{SUBMIT_CONNECTIONS} connections, {SUBMIT_WORKERS} sync workers: accepted {concurrent['accepted']}, "
          f"errors {concurrent['errors']}, stored {concurrent['stored']}, tally n {concurrent['tally_n']}, "
          f"options whose tally differs from a recount {concurrent['options_mismatched']}"
          + (f" ({', '.join(concurrent['error_samples'])})" if concurrent["errors"] else ""))
    return report


def staff_cookie(port: int, username: str, password: str) -> str:
    """Sign in through the login form and return the Cookie header a staff browser sends; checked against the
    handler's queue, since wrk counts the login page's redirect as a success."""
    browser = Browser(port)
    fields = browser.form_fields("/login")
    status, _content = browser.request("POST", "/login", {"csrf_token": fields["csrf_token"], "username": username,
                                                          "password": password})
    if status != 303:
        raise RuntimeError(f"staff sign-in answered {status}")
    cookie = "Cookie: " + "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    check_staff_cookie(port, cookie)
    return cookie


def check_staff_cookie(port: int, cookie: str) -> None:
    """The staff pages answer 200 to this cookie alone (as wrk sends it), not a redirect to the login page."""
    import http.client

    for path in ("/admin/tips/", "/admin/tips/overdue"):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        try:
            connection.request("GET", path, headers={"Cookie": cookie.split(": ", 1)[1], "Connection": "close"})
            status = connection.getresponse().status
        finally:
            connection.close()
        if status != 200:
            raise RuntimeError(f"{path} answered {status} to the staff session cookie")


def tip_submit_script(workdir: Path, port: int, forms: list) -> Path:
    """A wrk script POSTing valid anonymous reports to /tips/new from one session (CSRF token and cookie
    fetched once), cycling through the given forms."""
    browser = Browser(port)
    fields = browser.form_fields("/tips/new")
    common = urlencode([("csrf_token", fields["csrf_token"])])
    bodies = ", ".join(f'"{common}&{urlencode([tuple(pair) for pair in form])}"' for form in forms)
    cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    script = workdir / "submit-tip.lua"
    script.write_text(f"""-- POST valid reports to /tips/new.
local bodies = {{{bodies}}}
local count = 0
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "{cookie}"

function request()
  count = count + 1
  return wrk.format(nil, nil, nil, bodies[count % #bodies + 1])
end
""", encoding="utf-8")
    return script


def tips_bench(database: str, fresh_database, workdir: Path, hello: subprocess.Popen, hello_port: int) -> dict:
    """The tip measurements on one database kind: each size is a city of its own — `fresh_database()` gives the
    environment of a newly migrated and seeded database, loaded to the size, then served — so that the ids follow
    the dates at every size, as a city's do (a smaller city topped up with older tips would scatter the recent ones
    over the whole table)."""
    report = {"database": database, "levels": []}
    for size in TIP_SIZES:
        env = fresh_database()
        setup = survey_command("tip_data", env, "forms", 50)
        category_id, district_id = setup["category_id"], setup["district_id"]
        load = survey_command("tip_data", env, "load", size)
        print(f"{database}, {load['total']:,} tips: {load['added']:,} added with {load['links_added']:,} "
              f"category links and {load['events_added']:,} timeline entries in {load['seconds']:.0f} s "
              f"(rows {load['rows_seconds']:.0f} s); {load['open']:,} open, {load['overdue']:,} overdue; "
              f"sum(received, category 0) = {load['tally_received']:,}, tips stored = {load['stored']:,}: "
              f"{'equal' if load['tally_received'] == load['stored'] else 'MISMATCH'}")
        site, port = serve("wsgi:app", env)
        try:
            cookie = staff_cookie(port, "admin", admin_password(env))
            check_staff_cookie(port, cookie)
            level = {"size": size, "load": load, "pages": []}
            base = f"http://127.0.0.1:{port}"
            staff = (cookie,)
            for label, process, url, headers in [
                    ("Bare Flask hello (reference)", hello, f"http://127.0.0.1:{hello_port}/", ()),
                    ("Public list `/tips/`", site, f"{base}/tips/", ()),
                    ("Public list, open tips of one kind `/tips/?status=open&category=<id>`", site,
                     f"{base}/tips/?status=open&category={category_id}", ()),
                    ("Statistics `/tips/stats`", site, f"{base}/tips/stats", ()),
                    ("Statistics of one district `/tips/stats?district=<id>`", site,
                     f"{base}/tips/stats?district={district_id}", ()),
                    ("Exposure board `/exposure`", site, f"{base}/exposure", ()),
                    ("Handler queue `/admin/tips/` (admin)", site, f"{base}/admin/tips/", staff),
                    ("Overdue board `/admin/tips/overdue` (admin)", site, f"{base}/admin/tips/overdue", staff)]:
                result = measure(process, url, headers=headers)
                level["pages"].append((label, result))
                print_row(label, result)
            stored = survey_command("tip_data", env, "count")["stored"]
            result = measure(site, f"{base}/tips/new", tip_submit_script(workdir, port, setup["forms"]))
            after = survey_command("tip_data", env, "count")
            result["stored"] = after["stored"] - stored
            result["tally_equal"] = after["stored"] == after["tally_received"]
            level["pages"].append(("Report a tip `POST /tips/new`", result))
            print_row("Report a tip `POST /tips/new`", result)
            print(f"  {result['requests']} POSTs answered by the end of the wrk run, {result['stored']} tips stored; "
                  f"received tally = stored tips afterwards: {result['tally_equal']}")
            report["levels"].append(level)
        finally:
            stop(site)
    return report


def fresh_sqlite(env: dict, workdir: Path):
    """A maker of new SQLite bench databases (migrated and seeded), one file per call."""
    made = count(1)

    def fresh() -> dict:
        number = next(made)
        fresh_env = dict(env, DATABASE_URL=f"sqlite:///{workdir / f'tips-{number}.sqlite3'}",
                         DEMO_CREDENTIALS_FILE=str(workdir / f"credentials-tips-{number}.txt"))
        prepare_database(fresh_env, years=1, notices=0)
        return fresh_env
    return fresh


def environment_pages(base: str, year: int) -> list[tuple[str, str]]:
    """(label, url) of the public environment pages measured at each size."""
    return [
        ("Air today `/environment/`", f"{base}/environment/"),
        ("Air history, the city's days of a month `/environment/air/history`", f"{base}/environment/air/history"),
        ("Air history by month of a year `/environment/air/history?view=month`",
         f"{base}/environment/air/history?view=month"),
        ("Air history by year `/environment/air/history?view=year`", f"{base}/environment/air/history?view=year"),
        ("District ranking `/environment/air/ranking`", f"{base}/environment/air/ranking"),
        ("A station `/environment/air/stations/YX-A01`", f"{base}/environment/air/stations/YX-A01"),
        ("Surface water `/environment/water/`", f"{base}/environment/water/"),
        ("Drinking-water sources `/environment/water/sources`", f"{base}/environment/water/sources"),
        ("Map of the sites `/environment/map`", f"{base}/environment/map"),
        ("Open data `/environment/data`", f"{base}/environment/data"),
        ("Alerts feed `/environment/alerts.atom`", f"{base}/environment/alerts.atom"),
        ("API, places with their newest day `/api/v1/air/places`", f"{base}/api/v1/air/places"),
        ("API, the city's newest month `/api/v1/air/days?place=yunxi`", f"{base}/api/v1/air/days?place=yunxi"),
        (f"API, the city's year `/api/v1/air/days?place=yunxi&from={year}-01-01&to={year}-12-31`",
         f"{base}/api/v1/air/days?place=yunxi&from={year}-01-01&to={year}-12-31"),
        ("API, a station's newest day of hours `/api/v1/air/stations/YX-A01/hours`",
         f"{base}/api/v1/air/stations/YX-A01/hours"),
        (f"Yearly bulletin `/environment/bulletin/{year}`", f"{base}/environment/bulletin/{year}"),
    ]


def environment_bench(env: dict, hello: subprocess.Popen, hello_port: int) -> dict:
    """The environment measurements on SQLite: the air values loaded to each size in turn, then the pages (the
    site started after each load, so that no worker keeps what it read before)."""
    report = {"database": "SQLite", "levels": []}
    year = datetime.now(timezone.utc).year - 1
    for days in ENVIRONMENT_DAYS:
        load = survey_command("environment_data", env, "load", ENVIRONMENT_STATIONS, days)
        print(f"SQLite, {load['stations']} stations × {days} days: {load['hours']:,} hours, "
              f"{load['station_days']:,} station-days, {load['place_days']:,} place-days and {load['periods']:,} "
              f"months and years in {load['seconds']:.0f} s (hours written in {load['rows_seconds']:.0f} s, "
              f"the evaluated tables rebuilt in {load['rebuild_seconds']:.0f} s)")
        # The work each page does, counted in-process (function calls, SQL statements): unlike req/s and CPU time,
        # it does not move with the machine's load.
        work = survey_command("environment_profile", env, "--work",
                              *[url for _label, url in environment_pages("", year)])
        level = {"days": days, "load": load, "pages": [], "work": {label: work[url] for label, url in
                                                                   environment_pages("", year)}}
        site, port = serve("wsgi:app", env)
        hello_url = f"http://127.0.0.1:{hello_port}/"
        try:
            reference = measure(hello, hello_url)
            level["pages"].append(("Bare Flask hello (reference)", reference))
            print_row("Bare Flask hello (reference)", reference)
            for label, url in environment_pages(f"http://127.0.0.1:{port}", year):
                # The hello again right before each page: on a shared machine the load drifts within a round,
                # and a page is compared with the hello measured next to it.
                result = measure(site, url)
                result["hello_rps"] = measure(hello, hello_url)["rps"]
                level["pages"].append((label, result))
                print_row(label, result)
        finally:
            stop(site)
        report["levels"].append(level)
    return report


def participation_pages(load: dict) -> list[tuple[str, str]]:
    """(label, path) of the participation pages measured at each size (an activity page: a held one with its
    sign-ups, and one to come)."""
    pages = [("Take part `/participation/`", "/participation/"),
             ("Participation figures `/participation/figures`", "/participation/figures"),
             ("Activities `/participation/activities/`", "/participation/activities/"),
             ("A held activity `/participation/activities/<id>`", f"/participation/activities/{load['first_held']}")]
    if load.get("first_upcoming"):
        pages.append(("An activity to come `/participation/activities/<id>`",
                      f"/participation/activities/{load['first_upcoming']}"))
    return pages


def participation_bench(env: dict, hello: subprocess.Popen, hello_port: int) -> dict:
    """The participation measurements on SQLite: activities with their sign-ups added for each size in turn, then
    the pages (the site started after each load)."""
    report = {"database": "SQLite", "levels": []}
    total_activities = total_registrations = 0
    for activities, each in PARTICIPATION_SIZES:
        load = survey_command("participation_data", env, "load", activities, each)
        total_activities += load["activities"]
        total_registrations += load["registrations"]
        print(f"SQLite, {activities:,} activities × {each:,} sign-ups added ({total_activities:,} and "
              f"{total_registrations:,} in all) in {load['seconds']:.0f} s (sign-ups "
              f"{load['registration_seconds']:.0f} s, tallies counted from the rows {load['tally_seconds']:.1f} s)")
        level = {"activities": total_activities, "registrations": total_registrations, "load": load, "pages": []}
        site, port = serve("wsgi:app", env)
        try:
            # Each worker's first request builds its templates and queries: done before any measurement.
            for _ in range(2 * WORKERS):
                for _label, path in participation_pages(load):
                    urlopen(f"http://127.0.0.1:{port}{path}", timeout=120).read()
            for label, process, url in [("Bare Flask hello (reference)", hello, f"http://127.0.0.1:{hello_port}/"),
                                        *[(label, site, f"http://127.0.0.1:{port}{path}")
                                          for label, path in participation_pages(load)]]:
                result = measure(process, url)
                level["pages"].append((label, result))
                print_row(label, result)
        finally:
            stop(site)
        report["levels"].append(level)
    return report


def rectification_pages(load: dict) -> list[tuple[str, str]]:
    """(label, path) of the public ledger pages measured at each size."""
    return [("Ledger index `/rectification/`", "/rectification/"),
            ("Filtered index, behind schedule in one district `/rectification/?district=<code>&status=behind`",
             f"/rectification/?district={load['district']}&status=behind"),
            ("Filtered index as the htmx fragment", f"/rectification/?district={load['district']}&status=behind"),
            ("A task in public notice `/rectification/tasks/<code>`", f"/rectification/tasks/{load['task']}")]


def rectification_bench(env: dict, hello: subprocess.Popen, hello_port: int) -> dict:
    """The ledger measurements on SQLite: the bench round topped up to each size in turn, the pages rendered without
    the cache in-process, then measured with wrk (the site started after each load)."""
    report = {"database": "SQLite", "levels": []}
    for size in RECTIFICATION_SIZES:
        load = survey_command("ledger_data", env, "load", size)
        cold = survey_command("ledger_data", env, "cold", RECTIFICATION_COLD_RENDERS, load["district"], load["task"])
        print(f"SQLite, {size:,} tasks ({load['rows']:,} with sub-tasks): {load['added']:,} added in "
              f"{load['seconds']:.1f} s; in-process, without / with the cache: index {cold['index_ms']:.1f} / "
              f"{cold['index_warm_ms']:.1f} ms, filtered {cold['filtered_ms']:.1f} / {cold['filtered_warm_ms']:.1f} "
              f"ms, task page {cold['task_ms']:.1f} / {cold['task_warm_ms']:.1f} ms")
        level = {"size": size, "load": load, "cold": cold, "pages": []}
        site, port = serve("wsgi:app", env)
        try:
            for _ in range(2 * WORKERS):  # each worker's first request builds its templates and queries
                for _label, path in rectification_pages(load):
                    urlopen(f"http://127.0.0.1:{port}{path}", timeout=120).read()
            for label, process, url, headers in [
                    ("Bare Flask hello (reference)", hello, f"http://127.0.0.1:{hello_port}/", ()),
                    *[(label, site, f"http://127.0.0.1:{port}{path}",
                       ("HX-Request: true",) if "htmx" in label else ())
                      for label, path in rectification_pages(load)]]:
                result = measure(process, url, headers=headers)
                level["pages"].append((label, result))
                print_row(label, result)
        finally:
            stop(site)
        report["levels"].append(level)
    return report


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (make bench installs it from Debian's packages)")
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
               SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-" + "x" * 32, RATELIMIT_ENABLED="0",
               PUBLIC_BASE_URL=os.environ.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000",
               DEMO_CREDENTIALS_FILE=str(workdir / "credentials.txt"))
    # The notices only the pages part reads: not loaded when it does not run; the scale-out part alone needs no
    # SQLite database (it prepares its PostgreSQL one).
    if set(PARTS) != {"scaleout"}:
        prepare_database(env, notices=NOTICES if "pages" in PARTS else 0)
    rows, surveys, skipped, tips, tips_skipped, environment, participation = [], [], "", [], "", None, None
    rectification = None
    scaleout = None
    hello, hello_port = serve("tests.bench.hello:app", env)
    site = None
    try:
        if "pages" in PARTS:
            site, site_port = serve("wsgi:app", env)
            for label, path in [("Bare Flask hello (reference)", None)] + PAGES:
                if path is None:
                    result = measure(hello, f"http://127.0.0.1:{hello_port}/")
                else:
                    result = measure(site, f"http://127.0.0.1:{site_port}{path}")
                rows.append((label, result))
                print_row(label, result)
            stop(site)
        if "surveys" in PARTS and SURVEY_SIZES:
            surveys.append(survey_bench("SQLite", env, workdir, hello, hello_port))
            postgres_env, skipped = prepare_postgres(env, workdir)
            if postgres_env:
                try:
                    surveys.append(survey_bench("PostgreSQL", postgres_env, workdir, hello, hello_port))
                finally:
                    drop_postgres()
            else:
                print(f"PostgreSQL skipped: {skipped}")
        if "tips" in PARTS and TIP_SIZES:
            if "sqlite" in TIP_DATABASES:
                tips.append(tips_bench("SQLite", fresh_sqlite(env, workdir), workdir, hello, hello_port))
            if "postgresql" in TIP_DATABASES:
                postgres_env, tips_skipped = prepare_postgres(env, workdir)
                if postgres_env:
                    try:
                        first = [postgres_env]  # the one just made, then a new one for each further size

                        def fresh_postgres() -> dict:
                            return first.pop() if first else prepare_postgres(env, workdir)[0]
                        tips.append(tips_bench("PostgreSQL", fresh_postgres, workdir, hello, hello_port))
                    finally:
                        drop_postgres()
                else:
                    print(f"PostgreSQL skipped for tips: {tips_skipped}")
        if "scaleout" in PARTS:
            from tests.bench.scaleout import scaleout_bench

            scaleout = scaleout_bench(env, workdir, hello, hello_port)
            if "skipped" in scaleout:
                print(f"Scale-out skipped: {scaleout['skipped']}")
        if "participation" in PARTS and PARTICIPATION_SIZES:
            participation = participation_bench(env, hello, hello_port)
        if "rectification" in PARTS and RECTIFICATION_SIZES:
            rectification = rectification_bench(env, hello, hello_port)
        if "environment" in PARTS and ENVIRONMENT_DAYS:
            # Last: it replaces the demo's air values, which the pages above were measured with.
            environment = environment_bench(env, hello, hello_port)
    finally:
        for process in (hello, site):
            if process is not None and process.poll() is None:
                stop(process)
        shutil.rmtree(workdir, ignore_errors=True)
    write_report(rows, surveys, skipped, tips, tips_skipped, environment, participation, rectification, scaleout)


def write_report(rows, surveys, skipped: str, tips=(), tips_skipped: str = "", environment=None,
                 participation=None, rectification=None, scaleout=None) -> None:
    """The whole of BENCHMARKS.md after a full run; after a partial one (BENCH_ONLY), only the sections of the
    parts that ran are replaced (or added), the rest of the file is kept as it was."""
    sections = {}
    if "pages" in PARTS:
        sections[None] = pages_report(rows)
    if "surveys" in PARTS and surveys:
        sections["## Surveys"] = survey_report(surveys, skipped)
    if "tips" in PARTS and tips:
        sections["## Pollution tips"] = tips_report(tips, tips_skipped)
    if "environment" in PARTS and environment:
        sections["## Environmental quality"] = environment_report(environment)
    if "participation" in PARTS and participation:
        sections["## Participation"] = participation_report(participation)
    if "rectification" in PARTS and rectification:
        sections["## Rectification ledger"] = rectification_report(rectification)
    if "scaleout" in PARTS and scaleout:
        from tests.bench.scaleout import report as scaleout_report

        sections[SCALEOUT_HEADING] = scaleout_report(scaleout)
    path = ROOT / "BENCHMARKS.md"
    if set(PARTS) == set(ALL_PARTS) or not path.exists():
        lines = [line for part in sections.values() for line in part]
    else:
        lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        for heading, part in sections.items():
            lines = splice(lines, heading, part)
    path.write_text("\n".join(lines).rstrip("\n") + "\n", encoding="utf-8")
    print("wrote BENCHMARKS.md" + ("" if set(PARTS) == set(ALL_PARTS) else
                                   f" (replaced: {', '.join(h or 'the pages' for h in sections) or 'nothing'})"))


def splice(lines: list[str], heading: str | None, part: list[str]) -> list[str]:
    """Replace the section under `heading` (None: the title and pages before the first "## " heading), up to the
    next "## " heading, with part (which starts with a blank line and the heading); append it if missing."""
    starts = [i for i, line in enumerate(lines) if line.startswith("## ")]
    if heading is None:
        end = starts[0] if starts else len(lines)
        return part + [""] + lines[end:]
    if heading not in lines:
        return lines + part
    start = lines.index(heading)
    end = next((i for i in starts if i > start), len(lines))
    while start > 0 and lines[start - 1] == "":
        start -= 1
    return lines[:start] + part + ([""] if end < len(lines) and part[-1] != "" else []) + lines[end:]


def pages_report(rows) -> list[str]:
    reference = rows[0][1]["rps"]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}. "
        f"gunicorn {WORKERS} sync workers, wrk -t2 -c{CONNECTIONS} -d{DURATION} with `Connection: close`, "
        f"all on this {os.cpu_count()}-core machine (the load generator takes part of a core). SQLite demo "
        "database. Compare ratios within one run: machines drift up to 2× between runs.",
        "",
        "| page | req/s | ÷ Flask hello | p50 | p99 | server CPU µs/req | non-2xx |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, result in rows:
        lines.append(f"| {label} | {result['rps']:.0f} | {result['rps'] / reference:.2f} | {result['p50']} | "
                     f"{result['p99']} | {result['cpu_us']:.0f} | {result['non_2xx']} |")
    return lines


def survey_report(surveys, skipped: str) -> list[str]:
    shape = surveys[0]["levels"][0]["load"]
    lines = [
        "",
        "## Surveys",
        "",
        f"Same machine as above; pages served by gunicorn {WORKERS} sync workers and loaded by wrk -t2 "
        f"-c{CONNECTIONS} -d{DURATION} with `Connection: close`, as above. Measured on SQLite (WAL, the app's own "
        "settings) and on PostgreSQL (a database of its own, dropped afterwards)"
        f"{'' if len(surveys) > 1 else f' — PostgreSQL skipped: {skipped}'}. "
        "Rate limiting is off for every run (`RATELIMIT_ENABLED=0`; the survey POST limit would otherwise stop a "
        f"load test within a second). The bench survey is the demo questionnaire ({shape['questions']} questions "
        f"in {shape['sections']} sections, open mode, public results), bulk-loaded by `tests/bench/survey_data.py` "
        f"with responses drawn from {shape['patterns']:,} valid answer patterns (about "
        f"{shape['answers_added'] / max(shape['added'], 1):.1f} answer rows each, one in five with a written "
        "suggestion); "
        "its tallies are each pattern's `tally_deltas` times its responses, and tally n = stored responses is "
        "checked at every size. The Flask hello reference is measured again at every size. Server CPU counts "
        "gunicorn's workers; on PostgreSQL the database's own processes are counted separately.",
        "",
        "### Loading the responses",
        "",
        "Load time: writing the responses and answers, then the tallies (and on PostgreSQL `VACUUM ANALYZE`, "
        "as autovacuum would soon do); the answer patterns are generated beforehand and not counted.",
        "",
        "| database | responses | added | answer rows added | rows written in | load time in all | tally rows "
        "| tally n = stored |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for survey in surveys:
        for level in survey["levels"]:
            load = level["load"]
            lines.append(f"| {survey['database']} | {load['total']:,} | {load['added']:,} | "
                         f"{load['answers_added']:,} | {load['rows_seconds']:.1f} s | {load['seconds']:.1f} s | "
                         f"{load['tally_rows']:,} | "
                         f"{'yes' if load['tally_n'] == load['stored'] else 'NO'} ({load['tally_n']:,}) |")
    lines += [
        "",
        "### Results, form and submission at each size",
        "",
        "The submit row POSTs one complete valid questionnaire per request from one session (CSRF token and "
        "session cookie fetched once, no `survey_browser` cookie, so each POST is a new respondent, with a new "
        "idempotency token); a 303 is an accepted answer. *stored* is how many rows the run added (requests "
        "still in flight when wrk stops are stored but not counted by wrk).",
        "",
        "| database | responses | page | req/s | ÷ Flask hello | p50 | p99 | server CPU µs/req "
        "| database CPU µs/req | non-2xx/3xx |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for survey in surveys:
        for level in survey["levels"]:
            reference = level["pages"][0][1]["rps"]
            for label, result in level["pages"]:
                if "stored" in result:
                    label += f" (wrk counted {result['requests']:,}; stored {result['stored']:,})"
                database_cpu = f"{result['db_cpu_us']:.0f}" if survey["database"] == "PostgreSQL" else "–"
                lines.append(f"| {survey['database']} | {level['size']:,} | {label} | {result['rps']:.0f} | "
                             f"{result['rps'] / reference:.2f} | {result['p50']} | {result['p99']} | "
                             f"{result['cpu_us']:.0f} | {database_cpu} | {result['non_2xx']} |")
    lines += [
        "",
        "### Export",
        "",
        "Timed by `tests/bench/survey_export.py`, which runs `app.surveys.exports.csv_chunks` / `xlsx_chunks` "
        "in a process of its own; peak RSS is that process's maximum (its RSS with the app loaded, before the "
        f"export, in brackets). The CSV is also downloaded as staff from `/admin/surveys/<id>/export.csv` "
        f"through the {WORKERS} sync gunicorn workers with the worker timeout `make run` sets "
        f"(`GUNICORN_TIMEOUT`, {GUNICORN_TIMEOUT} s), as `make run` serves it; above "
        "`SURVEY_EXPORT_BACKGROUND_ABOVE` (20,000) responses that address answers with a page offering to prepare "
        "the file as a background job (the job runs the same `csv_chunks`, timed here).",
        "",
        "| database | responses | format | time | size | peak RSS (before) | download over HTTP |",
        "|---|---:|---|---:|---:|---:|---|",
    ]
    for survey in surveys:
        for export in survey["exports"]:
            head = f"| {survey['database']} | {export['size']:,} | {export['format'].upper()} |"
            if "skipped" in export:
                lines.append(f"{head} {export['skipped']} | | | |")
                continue
            http = export.get("http")
            download = ("–" if not http else http["outcome"] if http["outcome"].startswith("a page") else
                        f"{http['outcome']} after {http['seconds']:.1f} s, {http['bytes'] / 1e6:.1f} MB")
            lines.append(f"{head} {export['seconds']:.1f} s | {export['bytes'] / 1e6:.1f} MB | "
                         f"{export['peak_rss_mb']:.0f} MB ({export['rss_before_mb']:.0f} MB) | {download} |")
    lines += [
        "",
        "### Concurrent submission",
        "",
        f"{SUBMISSIONS:,} submissions, each by a new browser (GET the form for its CSRF token and cookies, then "
        f"POST a complete questionnaire), {SUBMIT_CONNECTIONS} at a time, against gunicorn with "
        f"{SUBMIT_WORKERS} sync workers and a new survey. Accepted = 303; anything else, connection errors "
        "included, is an error. Afterwards the stored responses, the tally n and each option's tally against a "
        "recount of the stored answers are checked: PASS needs accepted = stored = tally n = submissions, zero "
        "errors and no option tally off.",
        "",
        "| database | workers | accepted | errors | stored | tally n | option tallies off | submissions/s "
        "| POST p50 | POST p99 | server CPU ms/submission | database CPU ms/submission | result |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for survey in surveys:
        result = survey["concurrent"]
        database_cpu = f"{result['db_cpu_ms']:.1f}" if survey["database"] == "PostgreSQL" else "–"
        lines.append(f"| {survey['database']} | {SUBMIT_WORKERS} sync | {result['accepted']:,} | {result['errors']} | "
                     f"{result['stored']:,} | {result['tally_n']:,} | {result['options_mismatched']} of "
                     f"{result['options_checked']} | {result['per_second']:.0f} | {result['post_p50_ms']:.0f} ms | "
                     f"{result['post_p99_ms']:.0f} ms | {result['cpu_ms']:.1f} | {database_cpu} | "
                     f"**{'PASS' if result['passed'] else 'FAIL'}** |")
    lines.append("")
    for survey in surveys:
        result = survey["concurrent"]
        lines.append(f"- {'PASS' if result['passed'] else 'FAIL'}: {survey['database']}, {SUBMISSIONS:,} "
                     f"submissions over {SUBMIT_CONNECTIONS} connections: accepted {result['accepted']:,}, errors "
                     f"{result['errors']}, stored {result['stored']:,}, tally n {result['tally_n']:,}"
                     + (f" (errors seen: {', '.join(result['error_samples'])})" if result["errors"] else "") + ".")
    return lines


def tips_report(tips, skipped: str) -> list[str]:
    databases = ", ".join(t["database"] for t in tips)
    lines = [
        "",
        "## Pollution tips",
        "",
        f"Written on {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}; same machine, gunicorn {WORKERS} sync workers "
        f"and wrk -t2 -c{CONNECTIONS} -d{DURATION} with `Connection: close`, as above (with `--timeout {WRK_TIMEOUT}`: "
        f"wrk's default of 2 s leaves slower requests out of the counts), on {databases}"
        f"{f' (PostgreSQL skipped: {skipped})' if skipped else ''}, rate limiting off (`RATELIMIT_ENABLED=0`). "
        "Each size is a city of its own: a newly migrated and seeded demo database, bulk-loaded by "
        "`tests/bench/tip_data.py` to the size and then served (so that the ids follow the dates, as a city's do; "
        "a smaller city topped up with older tips scattered the recent ones over the whole table): tips over the "
        "demo's districts and "
        "kinds (one in seven with a second kind), submitted over the last three years, each taken through a "
        "simulated handling as far as now — 3 % merged as duplicates, 85 % of the rest accepted, 7 % of "
        "decisions and 10 % of conclusions late, 2 % stuck for months, ratings or the office's closing after the "
        "conclusion — so that about 5 % are open and some of those overdue; a `submitted` timeline entry each "
        "and the decision's where one was taken; and the statistics tallies counted from the same simulation "
        "with the names and rules of `services._tally`, written with `add_to_counters`. The received tally "
        "(every kind, category 0) is checked against the stored tips at every size. The Flask hello reference "
        "is measured again at every size; server CPU counts gunicorn's workers (on PostgreSQL the database's "
        "own processes separately).",
        "",
        "### Loading the tips",
        "",
        "Load time: writing the tips, their category links and timeline entries in batches inside one "
        "transaction, then the tallies (and on PostgreSQL `VACUUM ANALYZE`).",
        "",
        "| database | tips | added | category links added | timeline entries added | rows written in "
        "| load time in all | tally rows | open (overdue) | received tally = stored |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for tip in tips:
        for level in tip["levels"]:
            load = level["load"]
            equal = load["tally_received"] == load["stored"]
            lines.append(f"| {tip['database']} | {load['total']:,} | {load['added']:,} | {load['links_added']:,} | "
                         f"{load['events_added']:,} | {load['rows_seconds']:.1f} s | {load['seconds']:.1f} s | "
                         f"{load['tally_rows']:,} | {load['open']:,} ({load['overdue']:,}) | "
                         f"{'yes' if equal else 'NO'} ({load['tally_received']:,}) |")
    lines += [
        "",
        "### Pages and the report form at each size",
        "",
        "The filtered list asks for the open tips of one kind (construction noise, the most reported); the "
        "district statistics for the first district. The handler queue and the overdue board are fetched signed "
        "in as the demo admin (the office, which sees every tip): wrk sends the session cookie of a sign-in "
        "through the login form, checked to answer 200 rather than the login redirect. The report row POSTs "
        "a valid anonymous report per request (one of 50, most with coordinates, drawn over the kinds and "
        "districts) from one session, its CSRF token and cookie fetched once; a 303 is an accepted report and "
        "*stored* is how many tips the run added (requests still in flight when wrk stops are stored but not "
        "counted by wrk).",
        "",
        "| database | tips | page | req/s | ÷ Flask hello | p50 | p99 | server CPU µs/req "
        "| database CPU µs/req | non-2xx/3xx |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for tip in tips:
        for level in tip["levels"]:
            reference = level["pages"][0][1]["rps"]
            for label, result in level["pages"]:
                if "stored" in result:
                    label += (f" (wrk counted {result['requests']:,}; stored {result['stored']:,}; received "
                              f"tally = stored afterwards: {'yes' if result['tally_equal'] else 'NO'})")
                database_cpu = f"{result['db_cpu_us']:.0f}" if tip["database"] == "PostgreSQL" else "–"
                errors = (f"{result['non_2xx']} (socket errors {result['socket_errors']}, {result['timeouts']} timed "
                          "out)" if result["socket_errors"] else f"{result['non_2xx']}")
                lines.append(f"| {tip['database']} | {level['size']:,} | {label} | {result['rps']:.0f} | "
                             f"{result['rps'] / reference:.2f} | {result['p50']} | {result['p99']} | "
                             f"{result['cpu_us']:.0f} | {database_cpu} | {errors} |")
    return lines


def environment_report(report) -> list[str]:
    lines = [
        "",
        "## Environmental quality",
        "",
        f"Written on {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}; same machine, gunicorn {WORKERS} sync workers "
        f"and wrk -t2 -c{CONNECTIONS} -d{DURATION} with `Connection: close` (`--timeout {WRK_TIMEOUT}`), on SQLite, "
        "rate limiting off. The demo's air values are replaced by `tests/bench/environment_data.py`: "
        f"{ENVIRONMENT_STATIONS} stations (the demo's 8 and bench ones in the same districts) with a value for every "
        "hour of the days up to yesterday (the demo's seasonal generator, a polluted winter spell each January), "
        "written directly in batches (executemany) in one transaction; then the site's own "
        "`aggregation.rebuild_all` (what `flask environment-rebuild` runs) computes each station-day from its hours, "
        "the city's and districts' days and every month and year by HJ 663-2013, with exact arithmetic; then "
        "`ANALYZE`. The water samples are the demo's (10 sections, monthly; 3 sources, quarterly). The site is "
        "started after each load; the Flask hello reference is measured again right after every page, and a "
        "page's \"÷ Flask hello\" is against that measurement. The year pages "
        "(the API's year, the bulletin) ask for last year.",
        "",
        "### Loading the air values",
        "",
        "| stations | days | hours | station-days | place-days | months and years | hours written in "
        "| evaluated tables rebuilt in (`rebuild_all`) | load time in all |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for level in report["levels"]:
        load = level["load"]
        lines.append(f"| {load['stations']} | {load['days']:,} | {load['hours']:,} | {load['station_days']:,} | "
                     f"{load['place_days']:,} | {load['periods']:,} | {load['rows_seconds']:.1f} s | "
                     f"{load['rebuild_seconds']:.1f} s | {load['seconds']:.1f} s |")
    lines += [
        "",
        "### Public pages and the API at each size",
        "",
        "| database | days of hours | page | req/s | ÷ Flask hello | p50 | p99 | server CPU µs/req | non-2xx/3xx |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for level in report["levels"]:
        reference = level["pages"][0][1]["rps"]
        for label, result in level["pages"]:
            errors = (f"{result['non_2xx']} (socket errors {result['socket_errors']}, {result['timeouts']} timed "
                      "out)" if result["socket_errors"] else f"{result['non_2xx']}")
            lines.append(f"| {report['database']} | {level['days']:,} | {label} | {result['rps']:.0f} | "
                         f"{result['rps'] / result.get('hello_rps', reference):.2f} | {result['p50']} | "
                         f"{result['p99']} | {result['cpu_us']:.0f} | {errors} |")
    if len(report["levels"]) > 1:
        first, last = report["levels"][0], report["levels"][-1]
        lines += [
            "",
            f"### Cost at {last['days']:,} days ÷ cost at {first['days']:,} days",
            "",
            "A page's cost is the req/s of the Flask hello measured right after it divided by the page's req/s (so "
            "the machine's drift cancels out as far as it can); the server CPU per request is compared as measured. "
            "Both move with the load of a shared machine; the work a request does does not: the Python function "
            "calls and SQL statements of one request, counted in-process with the test client "
            "(`tests/bench/environment_profile.py --work`) on the same database.",
            "",
            "| page | cost (÷ hello) | server CPU µs/req | Python calls/req (in-process) | SQL statements/req |",
            "|---|---:|---:|---:|---:|",
        ]
        before = {label: result for label, result in first["pages"]}
        for label, result in last["pages"][1:]:
            old = before.get(label)
            if old is None or not old["rps"] or not result["rps"]:
                continue
            cost = (result["hello_rps"] / result["rps"]) / (old["hello_rps"] / old["rps"])
            cpu = result["cpu_us"] / old["cpu_us"] if old["cpu_us"] else float("nan")
            now, then = last["work"][label], first["work"][label]
            lines.append(f"| {label} | {cost:.2f}× | {cpu:.2f}× | {now['calls']:,} ÷ {then['calls']:,} = "
                         f"{now['calls'] / then['calls']:.2f}× | {now['statements']:g} ÷ {then['statements']:g} |")
    return lines


def participation_report(report) -> list[str]:
    lines = [
        "",
        "## Participation",
        "",
        f"Written on {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}; same machine, gunicorn {WORKERS} sync workers "
        f"and wrk -t2 -c{CONNECTIONS} -d{DURATION} with `Connection: close` (`--timeout {WRK_TIMEOUT}`), on SQLite, "
        "rate limiting off. On top of the demo's participation, `tests/bench/participation_data.py` adds activities "
        "(nine in ten held this year, half of them with an attendance record and half counted from their sign-ups; "
        "one in ten to come) with their sign-ups (all attended, half with confirmed volunteer hours), written "
        "directly in batches (executemany) in one transaction with the counters set; the figures' running tallies "
        "are then counted from all the rows (`tallies.rebuild`, what `flask participation-tallies --rebuild` runs), "
        "then `ANALYZE`. The sizes add up: each load adds to the one before. The site is started after each load; "
        "the Flask hello reference is measured again at every size. The landing page, the figures page and "
        "indicator 38's evidence read the tallies (a few dozen rows), never the sign-ups.",
        "",
        "### Loading",
        "",
        "| activities added | sign-ups added | activities added in all | sign-ups added in all | sign-ups written in "
        "| tallies counted from the rows in | load time in all |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for level in report["levels"]:
        load = level["load"]
        lines.append(f"| {load['activities']:,} | {load['registrations']:,} | {level['activities']:,} | "
                     f"{level['registrations']:,} | {load['registration_seconds']:.1f} s | "
                     f"{load['tally_seconds']:.1f} s | {load['seconds']:.1f} s |")
    lines += [
        "",
        "### Public pages at each size",
        "",
        "| database | activities | sign-ups | page | req/s | ÷ Flask hello | p50 | p99 | server CPU µs/req | "
        "non-2xx/3xx |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for level in report["levels"]:
        reference = level["pages"][0][1]["rps"]
        for label, result in level["pages"]:
            errors = (f"{result['non_2xx']} (socket errors {result['socket_errors']}, {result['timeouts']} timed "
                      "out)" if result["socket_errors"] else f"{result['non_2xx']}")
            lines.append(f"| {report['database']} | {level['activities']:,} | {level['registrations']:,} | {label} | "
                         f"{result['rps']:.0f} | {result['rps'] / reference:.2f} | {result['p50']} | {result['p99']} | "
                         f"{result['cpu_us']:.0f} | {errors} |")
    return lines


def rectification_report(report) -> list[str]:
    lines = [
        "",
        "## Rectification ledger",
        "",
        f"Written on {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}; same machine, gunicorn {WORKERS} sync workers "
        f"and wrk -t2 -c{CONNECTIONS} -d{DURATION} with `Connection: close` (`--timeout {WRK_TIMEOUT}`), on SQLite, "
        "rate limiting off. `tests/bench/ledger_data.py` tops one published inspection round up to each number of "
        "tasks: spread over the demo's city, districts and bureaus (a third with a co-operating unit), deadlines "
        "from two years ago to two years ahead (one in ten long-term), in every state in a real ledger's "
        "proportions (a quarter closed, some in the closure procedure and in notice, a few reopened), one in fifty "
        "with two sub-tasks, each with two accepted reports and its timeline entries — written directly in "
        "batches (executemany) in one transaction, then the ledger generation bumped and `ANALYZE`. The site is "
        "started after each load; the Flask hello reference is measured again at every size. wrk asks the same "
        "address again and again, so it measures the pages as served from the ledger's fragment cache (one "
        "counter read per request); *in-process* is the median time of a request made inside one process (Flask's "
        f"test client, no HTTP): {RECTIFICATION_COLD_RENDERS} with the cache emptied before each — what the first "
        f"request after any change to the ledger costs — and {5 * RECTIFICATION_COLD_RENDERS} with the cache kept, "
        "steadier than wrk's figures when the machine is shared. The filtered index asks for the tasks behind "
        "schedule in the first district; the task page is the first task in public notice. The machine's load "
        "average (1 min) "
        f"when this was written: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores — it is shared with other jobs; "
        "compare the ratios and the sizes with each other.",
        "",
        "| database | tasks (with sub-tasks) | page | req/s | ÷ Flask hello | p50 | p99 | server CPU µs/req "
        "| in-process, cache kept | in-process, without the cache | non-2xx/3xx |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    cold_of = {"Ledger index": "index", "Filtered index, behind": "filtered", "Filtered index as": "filtered",
               "A task": "task"}
    for level in report["levels"]:
        reference = level["pages"][0][1]["rps"]
        for label, result in level["pages"]:
            errors = (f"{result['non_2xx']} (socket errors {result['socket_errors']}, {result['timeouts']} timed "
                      "out)" if result["socket_errors"] else f"{result['non_2xx']}")
            key = next((value for prefix, value in cold_of.items() if label.startswith(prefix)), None)
            warm = f"{level['cold'][key + '_warm_ms']:.1f} ms" if key else "–"
            cold = f"{level['cold'][key + '_ms']:.1f} ms" if key else "–"
            lines.append(f"| {report['database']} | {level['size']:,} ({level['load']['rows']:,}) | {label} | "
                         f"{result['rps']:.0f} | {result['rps'] / reference:.2f} | {result['p50']} | "
                         f"{result['p99']} | {result['cpu_us']:.0f} | {warm} | {cold} | {errors} |")
    return lines


if __name__ == "__main__":
    main()
