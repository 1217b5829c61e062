"""`make bench`: serve the site with gunicorn, load it with wrk, and write BENCHMARKS.md.

Each page is measured next to a bare Flask "hello" endpoint in the same run, so ratios stay comparable
when the machine drifts. Server CPU per request is read from /proc for gunicorn's workers.
"""
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).parent / "gunicorn")
WORKERS = 2
CONNECTIONS = 16
DURATION = os.environ.get("BENCH_DURATION", "10s")
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


def worker_cpu_seconds(master_pid: int) -> float:
    """User + system CPU of gunicorn's worker processes (children of the master)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def serve(app_spec: str, env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [GUNICORN, "--workers", str(WORKERS), "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
         "--log-level", "warning", app_spec],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port)
    return process, port


def wrk(url: str) -> dict:
    output = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency",
                             "-H", "Connection: close", url],
                            capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)

    def latency(percent: str) -> str:
        return re.search(rf"\s{percent}%\s+(\S+)", output).group(1)

    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)), "requests": requests,
            "p50": latency("50"), "p99": latency("99"), "non_2xx": int(errors.group(1)) if errors else 0}


def measure(process: subprocess.Popen, url: str) -> dict:
    subprocess.run(["wrk", "-t1", "-c2", "-d1s", url], capture_output=True)  # warm up
    before = worker_cpu_seconds(process.pid)
    result = wrk(url)
    after = worker_cpu_seconds(process.pid)
    result["cpu_us"] = (after - before) / max(result["requests"], 1) * 1e6
    return result


def prepare_database(env: dict) -> None:
    flask = [PYTHON, "-m", "flask", "--app", "wsgi"]
    subprocess.run(flask + ["db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run(flask + ["seed-demo", "--years", str(INDICATOR_YEARS)], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    subprocess.run([PYTHON, "-m", "tests.bench.notices", str(NOTICES)], cwd=ROOT, env=env, check=True,
                   capture_output=True)


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (make bench installs it from Debian's packages)")
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
               SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-" + "x" * 32, RATELIMIT_ENABLED="0",
               DEMO_CREDENTIALS_FILE=str(workdir / "credentials.txt"))
    prepare_database(env)
    rows = []
    hello, hello_port = serve("tests.bench.hello:app", env)
    site, site_port = serve("wsgi:app", env)
    try:
        for label, path in [("Bare Flask hello (reference)", None)] + PAGES:
            if path is None:
                result = measure(hello, f"http://127.0.0.1:{hello_port}/")
            else:
                result = measure(site, f"http://127.0.0.1:{site_port}{path}")
            rows.append((label, result))
            print(f"{label:40} {result['rps']:8.0f} req/s  p50 {result['p50']:>8}  p99 {result['p99']:>8}  "
                  f"{result['cpu_us']:7.0f} µs CPU/req  non-2xx {result['non_2xx']}")
    finally:
        for process in (hello, site):
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    write_report(rows)


def write_report(rows) -> None:
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
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("wrote BENCHMARKS.md")


if __name__ == "__main__":
    main()
