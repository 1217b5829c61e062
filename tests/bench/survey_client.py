"""HTTP clients for the survey benchmark: browsers that fetch the form and send it, many at once, and a staff
download of the export. Standard library only, one connection per request (gunicorn's sync workers close
them anyway)."""
import http.client
import re
import statistics
import threading
import time
from urllib.parse import urlencode

FIELD = re.compile(r'name="(csrf_token|submission)" value="([^"]*)"')


class Browser:
    """A cookie jar and GET / POST against one local port."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, fields=None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, value = header.split(";", 1)[0].partition("=")
                self.cookies[name] = value
            return response.status, content
        finally:
            connection.close()

    def form_fields(self, path: str) -> dict[str, str]:
        """GET a form page and return its hidden csrf_token and submission values."""
        status, content = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} answered {status}")
        return dict(FIELD.findall(content.decode()))


def submit_concurrently(port: int, survey_id: int, forms: list[list], total: int, connections: int) -> dict:
    """`total` submissions, each by a new browser (GET the form, then POST it), `connections` at a time.

    Accepted means the 303 to the thanks page; anything else, exceptions included, is an error.
    """
    path = f"/surveys/{survey_id}"
    numbers = iter(range(total))
    lock = threading.Lock()
    accepted, errors, latencies = [], [], []

    def work():
        while True:
            with lock:
                number = next(numbers, None)
            if number is None:
                return
            browser = Browser(port)
            try:
                fields = list(browser.form_fields(path).items())
                fields += [("step", "0"), ("consent", "yes"), ("move", "submit")]
                fields += [tuple(pair) for pair in forms[number % len(forms)]]
                started = time.perf_counter()
                status, _content = browser.request("POST", path, fields)
                elapsed = time.perf_counter() - started
            except Exception as error:  # counted, and the first few reported
                with lock:
                    errors.append(repr(error))
                continue
            with lock:
                latencies.append(elapsed)
                (accepted if status == 303 else errors).append(status)

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {"accepted": len(accepted), "errors": len(errors), "error_samples": sorted(set(map(str, errors)))[:5],
            "seconds": seconds, "per_second": total / seconds, "post_p50_ms": cuts[49] * 1000,
            "post_p99_ms": cuts[98] * 1000}


def download(port: int, username: str, password: str, path: str) -> dict:
    """Sign in as staff and download path, reading it to the end: bytes, seconds and how it ended."""
    browser = Browser(port)
    fields = browser.form_fields("/login")
    status, _content = browser.request("POST", "/login", {"csrf_token": fields["csrf_token"],
                                                          "username": username, "password": password})
    if status != 303:
        raise RuntimeError(f"staff sign-in answered {status}")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    cookie = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    started = time.perf_counter()
    size, outcome = 0, "complete"
    try:
        connection.request("GET", path, headers={"Cookie": cookie, "Connection": "close"})
        response = connection.getresponse()
        if response.status != 200:
            outcome = f"HTTP {response.status}"
        elif response.getheader("Content-Type", "").startswith("text/html"):
            # Above SURVEY_EXPORT_BACKGROUND_ABOVE the address answers with a page offering a background job.
            outcome = "a page offering a background job"
        while chunk := response.read(1 << 16):
            size += len(chunk)
    except (http.client.HTTPException, OSError) as error:
        outcome = f"cut off ({type(error).__name__})"
    finally:
        connection.close()
    return {"bytes": size, "seconds": time.perf_counter() - started, "outcome": outcome}
