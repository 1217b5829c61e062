"""`make bench`'s scale-out part (BENCH_ONLY=scaleout): two gunicorn app servers behind one HAProxy address,
on PostgreSQL (a database of its own) with the rate limits shared in Redis.

Measured with wrk next to the bare Flask hello of the same run: a public page, the answer form and a survey
submission, each through one server directly, through the balancer in front of that one server, and through
the balancer in front of two. Then the writes are counted: concurrent new respondents through the balancer
(accepted = stored = tally n), double submissions sent to both servers at the same moment (each stored once),
and tip reports over the shared hourly limit (exactly the limit accepted across both servers, each one stored).
"""
import os
import shutil
import signal
import subprocess
import threading
from pathlib import Path
from string import Template
from urllib.request import urlopen

from tests.bench import survey_client
from tests.bench.survey_client import Browser

TEMPLATE = Path(__file__).with_name("haproxy.cfg")
# Redis database of the bench's rate-limit counters (its LIMITER keys are removed before and after).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
# PostgreSQL database of this part, dropped and created (its name must contain "bench").
POSTGRES_URL = os.environ.get("BENCH_SCALEOUT_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/ecociv_bench_scaleout")
RESPONSES = int(os.environ.get("BENCH_SCALEOUT_RESPONSES", 10_000))
# Sync workers per app server. One: a server then uses at most one of this machine's two cores, so the second
# server has a core to add (with two workers each, one server already keeps both cores busy and a second adds
# processes, not CPU: what the part measured before).
WORKERS = int(os.environ.get("BENCH_SCALEOUT_WORKERS", 1))
DOUBLE_SUBMISSIONS = 200
# Tip reports sent against the hourly limit, and that limit (the app's default, TIP_SUBMIT_RATE_LIMIT).
TIP_REPORTS, TIP_LIMIT = 60, 20


def haproxy() -> str | None:
    return shutil.which("haproxy") or next((p for p in ("/usr/sbin/haproxy",) if os.access(p, os.X_OK)), None)


def start_balancer(workdir: Path, ports: list[int], workers: int):
    """HAProxy on a free port in front of the app servers on `ports` (at most 2 × workers requests each)."""
    from tests.bench.run import free_port, wait_for

    port = free_port()
    servers = "\n".join(f"    server app{n} 127.0.0.1:{p} check maxconn {2 * workers}"
                        for n, p in enumerate(ports, 1))
    config = workdir / f"haproxy-{len(ports)}.cfg"
    config.write_text(Template(TEMPLATE.read_text(encoding="utf-8")).substitute(port=port, servers=servers),
                      encoding="utf-8")
    subprocess.run([haproxy(), "-c", "-q", "-f", str(config)], check=True)
    process = subprocess.Popen([haproxy(), "-db", "-f", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    wait_for(port)
    return process, port


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, and SIGKILL to the process and its children if it has not ended within 30 s."""
    if process.poll() is not None:
        return
    children = [int(pid) for pid in Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()]
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        for pid in [process.pid, *children]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(timeout=10)


def clear_limits() -> None:
    import redis

    connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    for key in connection.scan_iter("*LIMITER*"):  # the limits library stores them as LIMITS:LIMITER/…
        connection.delete(key)


def redis_problem() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return f"no Redis at {REDIS_URL} ({error})"
    return ""


def database_cpu_seconds() -> float:
    """User + system CPU of the PostgreSQL backends serving this part's database (their command line names it),
    so that other work on the same server is not counted."""
    from sqlalchemy.engine import make_url

    from tests.bench.run import CLOCK_TICKS

    marker = f" {make_url(POSTGRES_URL).database} ".encode()
    total = 0
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit() or marker not in (entry / "cmdline").read_bytes().replace(b"\0", b" "):
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def measure_all(servers: list, url: str, script: Path | None = None) -> dict:
    """wrk against url; server CPU summed over the gunicorn workers of `servers`, the balancer's and the
    database's CPU separately."""
    from tests.bench.run import cpu_seconds, worker_cpu_seconds, wrk

    subprocess.run(["wrk", "-t1", "-c2", "-d1s", url], capture_output=True)  # warm up

    def cpu() -> tuple[float, float, float]:
        return (sum(worker_cpu_seconds(s.pid) for s in servers), cpu_seconds(name="haproxy"),
                database_cpu_seconds())

    before = cpu()
    result = wrk(url, script)
    after = cpu()
    requests = max(result["requests"], 1)
    result["cpu_us"], result["lb_cpu_us"], result["db_cpu_us"] = (
        (a - b) / requests * 1e6 for a, b in zip(after, before))
    return result


def double_submissions(port: int, survey_id: int, forms: list, total: int) -> dict:
    """`total` browsers each GET the form, then POST the same answers (same submission token and cookies) twice
    at the same moment through the balancer, which sends the two to different servers when both are idle.
    Both must answer 303 and the survey must gain exactly `total` responses."""
    path = f"/surveys/{survey_id}"
    statuses: list[int | str] = []
    lock = threading.Lock()

    def one(number: int) -> None:
        browser = Browser(port)
        fields = list(browser.form_fields(path).items())
        fields += [("step", "0"), ("consent", "yes"), ("move", "submit")]
        fields += [tuple(pair) for pair in forms[number % len(forms)]]
        barrier = threading.Barrier(2)

        def post() -> None:
            barrier.wait()
            try:
                status = browser.request("POST", path, fields)[0]
            except Exception as error:  # counted as not a 303
                status = repr(error)
            with lock:
                statuses.append(status)

        pair = [threading.Thread(target=post) for _ in range(2)]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join()

    numbers = iter(range(total))

    def work() -> None:
        while True:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            one(number)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"posts": len(statuses), "see_other": statuses.count(303),
            "other": sorted({str(s) for s in statuses if s != 303})[:5]}


def tip_reports(port: int, forms: list, total: int) -> dict:
    """`total` anonymous tip reports through the balancer, 8 at a time, each from a new browser."""
    statuses: list[int | str] = []
    lock = threading.Lock()
    numbers = iter(range(total))

    def work() -> None:
        while True:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            browser = Browser(port)
            try:
                fields = [("csrf_token", browser.form_fields("/tips/new")["csrf_token"]),
                          *[tuple(pair) for pair in forms[number % len(forms)]]]
                status = browser.request("POST", "/tips/new", fields)[0]
            except Exception as error:  # counted as neither accepted nor limited
                status = repr(error)
            with lock:
                statuses.append(status)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"accepted": statuses.count(303), "limited": statuses.count(429),
            "other": sorted({str(s) for s in statuses if s not in (303, 429)})[:5]}


def scaleout_bench(env: dict, workdir: Path, hello, hello_port: int) -> dict:
    """The whole scenario; {"skipped": why} when HAProxy, Redis or PostgreSQL is missing."""
    from tests.bench import run

    if not haproxy():
        return {"skipped": "HAProxy is not installed (make bench installs it from Debian's packages)"}
    if problem := redis_problem():
        return {"skipped": problem}
    env = dict(env, RATELIMIT_ENABLED="1", RATELIMIT_STORAGE_URI=REDIS_URL, PROXY_COUNT="1",
               # The survey limit raised so that the load test measures the Redis check rather than 429s; the
               # tip limit kept at the app's default for the shared-limit check.
               SURVEY_SUBMIT_RATE_LIMIT="10000000 per hour", TIP_SUBMIT_RATE_LIMIT=f"{TIP_LIMIT} per hour")
    postgres_env, skipped = run.prepare_postgres(env, workdir, POSTGRES_URL)
    if not postgres_env:
        return {"skipped": skipped}
    report = {"workers": WORKERS, "responses": RESPONSES, "pages": [], "load_average": os.getloadavg()[0]}
    processes = []
    try:
        clear_limits()
        survey_id = run.survey_command("survey_data", postgres_env, "create")["survey_id"]
        forms = run.survey_command("survey_data", postgres_env, "answers", survey_id, 50)["forms"]
        tip_forms = run.survey_command("tip_data", postgres_env, "forms", 50)["forms"]
        load = run.survey_command("survey_data", postgres_env, "load", survey_id, RESPONSES)
        print(f"scale-out: PostgreSQL survey loaded to {load['total']:,} responses")
        first, first_port = run.serve("wsgi:app", postgres_env, workers=WORKERS)
        second, second_port = run.serve("wsgi:app", postgres_env, workers=WORKERS)
        processes += [first, second]
        one_lb, one_lb_port = start_balancer(workdir, [first_port], WORKERS)
        processes.append(one_lb)
        two_lb, two_lb_port = start_balancer(workdir, [first_port, second_port], WORKERS)
        processes.append(two_lb)
        setups = [("one server, direct", [first], first_port),
                  ("balancer → one server", [first], one_lb_port),
                  ("balancer → two servers", [first, second], two_lb_port)]
        # Each worker's first requests build its templates and caches: done on both servers before any measurement.
        for port in (first_port, second_port):
            for _ in range(4 * WORKERS):
                for path in ("/indicators/", f"/surveys/{survey_id}"):
                    urlopen(f"http://127.0.0.1:{port}{path}", timeout=300).read()
        result = run.measure(hello, f"http://127.0.0.1:{hello_port}/")
        result.update(lb_cpu_us=0.0, db_cpu_us=0.0)
        report["pages"].append(("Bare Flask hello (reference)", "one server, direct", result))
        run.print_row("Bare Flask hello (reference)", result)
        for label, path in [("Indicator overview `/indicators/` (cached)", "/indicators/"),
                            ("Answer form `GET /surveys/<id>`", f"/surveys/{survey_id}")]:
            for setup, servers, port in setups:
                result = measure_all(servers, f"http://127.0.0.1:{port}{path}")
                report["pages"].append((label, setup, result))
                run.print_row(f"{label[:22]}, {setup}", result)
        label = "Submit answers `POST /surveys/<id>`"
        for setup, servers, port in setups:
            stored = run.survey_command("survey_data", postgres_env, "count", survey_id)["stored"]
            script = run.submit_script(workdir, port, survey_id, forms)
            result = measure_all(servers, f"http://127.0.0.1:{port}/surveys/{survey_id}", script)
            result["stored"] = run.survey_command("survey_data", postgres_env, "count", survey_id)["stored"] - stored
            report["pages"].append((label, setup, result))
            run.print_row(f"Submit answers, {setup}", result)
            print(f"  {result['requests']} POSTs answered by the end of the wrk run, {result['stored']} stored")

        # The writes counted exactly, through the balancer in front of both servers.
        concurrent_id = run.survey_command("survey_data", postgres_env, "create")["survey_id"]
        concurrent_forms = run.survey_command("survey_data", postgres_env, "answers", concurrent_id, 50)["forms"]
        concurrent = survey_client.submit_concurrently(two_lb_port, concurrent_id, concurrent_forms, run.SUBMISSIONS,
                                                       run.SUBMIT_CONNECTIONS)
        concurrent.update(run.survey_command("survey_data", postgres_env, "count", concurrent_id, "recount"))
        concurrent["passed"] = (concurrent["errors"] == 0 and concurrent["options_mismatched"] == 0 and
                                concurrent["accepted"] == concurrent["stored"] == concurrent["tally_n"]
                                == run.SUBMISSIONS)
        report["concurrent"] = concurrent
        print(f"{'PASS' if concurrent['passed'] else 'FAIL'}: {run.SUBMISSIONS} new respondents through the "
              f"balancer: accepted {concurrent['accepted']}, errors {concurrent['errors']}, stored "
              f"{concurrent['stored']}, tally n {concurrent['tally_n']}")
        double_id = run.survey_command("survey_data", postgres_env, "create")["survey_id"]
        double_forms = run.survey_command("survey_data", postgres_env, "answers", double_id, 50)["forms"]
        double = double_submissions(two_lb_port, double_id, double_forms, DOUBLE_SUBMISSIONS)
        double.update(run.survey_command("survey_data", postgres_env, "count", double_id, "recount"))
        double["passed"] = (double["see_other"] == double["posts"] == 2 * DOUBLE_SUBMISSIONS
                            and double["stored"] == double["tally_n"] == DOUBLE_SUBMISSIONS
                            and double["options_mismatched"] == 0)
        report["double"] = double
        print(f"{'PASS' if double['passed'] else 'FAIL'}: {DOUBLE_SUBMISSIONS} answers each POSTed twice at once: "
              f"{double['see_other']} of {double['posts']} answered 303, stored {double['stored']}, tally n "
              f"{double['tally_n']} {double['other']}")
        clear_limits()
        tips_before = run.survey_command("tip_data", postgres_env, "count")
        tips = tip_reports(two_lb_port, tip_forms, TIP_REPORTS)
        tips_after = run.survey_command("tip_data", postgres_env, "count")
        tips["stored"] = tips_after["stored"] - tips_before["stored"]
        tips["tally_added"] = tips_after["tally_received"] - tips_before["tally_received"]
        tips["passed"] = (tips["accepted"] == tips["stored"] == tips["tally_added"] == TIP_LIMIT
                          and tips["limited"] == TIP_REPORTS - TIP_LIMIT)
        report["tips"] = tips
        print(f"{'PASS' if tips['passed'] else 'FAIL'}: {TIP_REPORTS} tip reports against {TIP_LIMIT} per hour: "
              f"{tips['accepted']} accepted, {tips['limited']} limited, {tips['stored']} stored {tips['other']}")
    finally:
        for process in reversed(processes):
            stop(process)
        clear_limits()
        run.drop_postgres(POSTGRES_URL)
    return report


def report(result: dict) -> list[str]:
    """The BENCHMARKS.md section of this part."""
    from datetime import datetime, timezone

    from tests.bench import run

    lines = ["", run.SCALEOUT_HEADING, ""]
    if "skipped" in result:
        return lines + [f"Not measured: {result['skipped']}."]
    workers, cores = result["workers"], os.cpu_count()
    lines += [
        f"Written on {datetime.now(timezone.utc):%Y-%m-%d %H:%M UTC}; same machine ({cores} cores, load average "
        f"{result['load_average']:.1f} when the part started: other work shares it), wrk -t2 -c{run.CONNECTIONS} "
        f"-d{run.DURATION} with `Connection: close` (`--timeout {run.WRK_TIMEOUT}`). Two gunicorn app servers, "
        f"{workers} sync worker{'s' if workers != 1 else ''} each (`BENCH_SCALEOUT_WORKERS`; one by default, so that "
        f"a server uses at most one of the {cores} cores and a second server has one to add), on their own ports, "
        "against PostgreSQL (a database of its own, migrated and "
        f"seeded, then dropped) with a survey of {result['responses']:,} responses loaded by "
        "`tests/bench/survey_data.py`, and rate limits on and shared in Redis (`RATELIMIT_STORAGE_URI`, a Redis "
        "database of the bench's own; the survey limit raised so that every POST pays for the Redis check but none "
        "is refused; `PROXY_COUNT=1`). HAProxy (Debian's package; `tests/bench/haproxy.cfg`: `balance leastconn`, "
        f"at most {2 * workers} requests in flight per server and the rest queued in the balancer, health checks "
        "on `/healthz`, `X-Forwarded-For`) listens on one address, once in front of the first server alone and "
        "once in front of both. *÷ one server* compares each row with the same page served by the first server "
        "directly. CPU is per request: the app servers' workers, HAProxy, PostgreSQL.",
        "",
        "| page | route | req/s | ÷ Flask hello | ÷ one server | p50 | p99 | app CPU µs/req | HAProxy CPU µs/req "
        "| database CPU µs/req | non-2xx/3xx |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    reference = result["pages"][0][2]["rps"]
    direct = {label: r["rps"] for label, setup, r in result["pages"] if setup == "one server, direct"}
    scaling = {}
    for label, setup, r in result["pages"]:
        if setup == "balancer → two servers":
            scaling[label] = r["rps"] / direct[label] if direct[label] else float("nan")
        shown = label + (f" (wrk counted {r['requests']:,}; stored {r['stored']:,})" if "stored" in r else "")
        errors = (f"{r['non_2xx']} (socket errors {r['socket_errors']}, {r['timeouts']} timed out)"
                  if r["socket_errors"] else f"{r['non_2xx']}")
        lines.append(f"| {shown} | {setup} | {r['rps']:.0f} | {r['rps'] / reference:.2f} | "
                     f"{r['rps'] / direct[label] if direct[label] else float('nan'):.2f} | {r['p50']} | {r['p99']} | "
                     f"{r['cpu_us']:.0f} | "
                     f"{r['lb_cpu_us']:.0f} | {r['db_cpu_us']:.0f} | {errors} |")
    concurrent, double, tips = result["concurrent"], result["double"], result["tips"]
    verdict = lambda passed: "**PASS**" if passed else "**FAIL**"  # noqa: E731
    lines += [
        "",
        "### Writes through the balancer, counted",
        "",
        f"- {verdict(concurrent['passed'])}: {run.SUBMISSIONS:,} new respondents (each a new browser: GET the form, "
        f"POST a complete questionnaire), {run.SUBMIT_CONNECTIONS} at a time, through HAProxy in front of both "
        f"servers: accepted (303) {concurrent['accepted']:,}, errors {concurrent['errors']}, stored "
        f"{concurrent['stored']:,}, tally n {concurrent['tally_n']:,}, option tallies off "
        f"{concurrent['options_mismatched']} of {concurrent['options_checked']}; {concurrent['per_second']:.0f} "
        f"submissions/s, POST p50 {concurrent['post_p50_ms']:.0f} ms, p99 {concurrent['post_p99_ms']:.0f} ms — "
        f"{concurrent['stored'] - concurrent['accepted']:+d} rows against the successes: "
        f"{max(concurrent['accepted'] - concurrent['stored'], 0)} lost, "
        f"{max(concurrent['stored'] - concurrent['accepted'], 0)} duplicated"
        + (f" (errors seen: {', '.join(concurrent['error_samples'])})" if concurrent["errors"] else "") + ".",
        f"- {verdict(double['passed'])}: {DOUBLE_SUBMISSIONS} browsers each POSTed the same complete answers (same "
        "submission token and cookies) twice at the same moment, so that the balancer sends the two to different "
        f"servers: {double['see_other']} of {double['posts']} POSTs answered 303, {double['stored']} responses "
        f"stored (tally n {double['tally_n']}): {DOUBLE_SUBMISSIONS - double['stored']:+d} against one each"
        + (f" (other answers: {', '.join(double['other'])})" if double["other"] else "") + ".",
        f"- {verdict(tips['passed'])}: {TIP_REPORTS} anonymous tip reports from one address, 8 at a time, through "
        f"the balancer against `TIP_SUBMIT_RATE_LIMIT` = {TIP_LIMIT} per hour counted in Redis: {tips['accepted']} "
        f"accepted, {tips['limited']} refused with 429, {tips['stored']} tips stored (received tally "
        f"{tips['tally_added']:+d}). Counted per process, {2 * workers} workers would have let up to "
        f"{2 * workers * TIP_LIMIT} through"
        + (f" (other answers: {', '.join(tips['other'])})" if tips["other"] else "") + ".",
        "",
        "### Goal",
        "",
    ]
    best = max(scaling.values(), default=0.0)
    lines.append(
        "Two servers through the balancer against one server directly: "
        + ", ".join(f"{label.split(' `')[0].lower()} ×{ratio:.2f}" for label, ratio in scaling.items()) + ". "
        + ("Throughput scales (every page ≥ ×1.5). " if min(scaling.values()) >= 1.5 else
           f"Not every page reaches ×1.5 on this machine (best ×{best:.2f}, least ×{min(scaling.values()):.2f}): both "
           f"servers, HAProxy, PostgreSQL and wrk share the same {cores} cores, so the second server's core is "
           "shared with them. ")
        + ("0 lost and 0 duplicated writes: met. " if concurrent["passed"] and double["passed"]
           else "Lost or duplicated writes: NOT met, see above. ")
        + ("Rate limit shared by both servers: met." if tips["passed"] else "Shared rate limit: NOT shown, see above."))
    lines += [
        "",
        "Uploads (notice attachments, tip photos) are not part of this run: with two servers they must live in "
        "the shared object store (`STORAGE_S3_BUCKET`, `app/web/object_store.py`), since a file written to one "
        "server's `UPLOAD_DIR` is not on the other. Sessions are signed cookies and CSRF tokens live in them, so a "
        "form fetched from one server is accepted by the other (every POST above relies on it).",
    ]
    return lines
