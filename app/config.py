"""Settings: every one documented here, each overridable by an environment variable of the same name."""
import os
from pathlib import Path
from urllib.parse import urlsplit

from app.database import engine_options

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "dev-only-insecure-key"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _sqlite_url() -> str:
    return f"sqlite:///{ROOT / 'instance' / 'ecociv.sqlite3'}"


class Config:
    """Defaults for the embedded, single-machine set-up; production overrides through the environment."""

    # Signs session cookies and CSRF tokens. Must be set to a long random value outside debug.
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    # SQLAlchemy URL: the embedded SQLite file by default; postgresql+psycopg://… in production.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", _sqlite_url())
    # A read replica (a streaming standby) for anonymous visitors' public pages (app/web/replica.py); empty: none.
    DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
    # Redis URL (redis://host:6379/0); when set, rate-limit counters live there so app servers share them.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    # The site's public address (https://host[:port], no path) for absolute links in sitemaps, feeds, Open311
    # and QR codes; required outside debug so no link is built from the Host header a client sent.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    # Site and city names shown in the header, titles and emails (zh_Hans; translated names below).
    SITE_NAME = os.environ.get("SITE_NAME", "生态文明建设公众参与平台")
    CITY_NAME = os.environ.get("CITY_NAME", "云溪市")
    # The same names in Traditional Chinese and English; empty falls back to the zh_Hans name.
    SITE_NAME_ZH_HANT = os.environ.get("SITE_NAME_ZH_HANT", "生態文明建設公眾參與平台")
    SITE_NAME_EN = os.environ.get("SITE_NAME_EN", "Ecological Civilization Public Participation Platform")
    CITY_NAME_ZH_HANT = os.environ.get("CITY_NAME_ZH_HANT", "雲溪市")
    CITY_NAME_EN = os.environ.get("CITY_NAME_EN", "Yunxi City")
    # Who answers questions about personal data, shown on the privacy notice (PIPL art. 17).
    PRIVACY_CONTACT = os.environ.get("PRIVACY_CONTACT", "生态文明建设办公室 · 0000-12345678")
    # The same contact in Traditional Chinese and English; empty falls back to PRIVACY_CONTACT.
    PRIVACY_CONTACT_ZH_HANT = os.environ.get("PRIVACY_CONTACT_ZH_HANT", "生態文明建設辦公室 · 0000-12345678")
    PRIVACY_CONTACT_EN = os.environ.get("PRIVACY_CONTACT_EN", "Ecological Civilization Office · 0000-12345678")
    # Locale used when neither ?lang=, the cookie nor Accept-Language chooses one.
    BABEL_DEFAULT_LOCALE = "zh_Hans"
    # Time zone in which dates are shown (stored times are always UTC).
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TIMEZONE", "Asia/Shanghai")
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
    # Largest request body accepted, in bytes (uploads included); larger ones get the 413 page.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", 20 * 1024 * 1024))
    # Largest oversize request still read (files discarded) to give a form back with its text; keep nginx's
    # client_max_body_size at least this large, or nginx answers those with its own page.
    OVERSIZE_READ_LIMIT = int(os.environ.get("OVERSIZE_READ_LIMIT", 100 * 1024 * 1024))
    # Send session cookies only over HTTPS; on by default outside debug, set to 0 for plain-HTTP intranets.
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Staff sessions expire after this many seconds of the browser session being open.
    PERMANENT_SESSION_LIFETIME = int(os.environ.get("SESSION_LIFETIME", 8 * 3600))
    # CSRF tokens are valid for the whole session rather than one hour, so long forms do not fail.
    WTF_CSRF_TIME_LIMIT = None
    # Built-in WTForms messages are translated by app.web.forms.BaseForm instead (it knows zh_Hant).
    WTF_I18N_ENABLED = False
    # Argon2id cost for password hashes (time cost in passes, memory cost in KiB).
    ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", 3))
    ARGON2_MEMORY_COST = int(os.environ.get("ARGON2_MEMORY_COST", 65536))
    # Failed logins (from all addresses) before an account is locked, and for how many minutes; more than one
    # address's LOGIN_FAILURE_RATE_LIMIT, so a single address cannot lock anyone out.
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", 10))
    LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", 5))
    # Rate limit on login attempts per client address.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "20 per minute")
    # Failed logins per client address; past it the address waits (429) before any account lock is reached.
    LOGIN_FAILURE_RATE_LIMIT = os.environ.get("LOGIN_FAILURE_RATE_LIMIT", "5 per 15 minutes")
    # Days a browser stays "known" after a successful sign-in: the account lock does not apply to it.
    LOGIN_KNOWN_BROWSER_DAYS = int(os.environ.get("LOGIN_KNOWN_BROWSER_DAYS", 90))
    # Survey form posts (each page of a paged survey counts) per client address; generous because many
    # residents share one address behind a carrier's or a compound's NAT.
    SURVEY_SUBMIT_RATE_LIMIT = os.environ.get("SURVEY_SUBMIT_RATE_LIMIT", "120 per hour")
    # Pollution tips: deadlines (days), counted as working days (holiday calendar) or calendar days.
    TIP_ACCEPT_DAYS = int(os.environ.get("TIP_ACCEPT_DAYS", 15))
    TIP_CONCLUDE_DAYS = int(os.environ.get("TIP_CONCLUDE_DAYS", 60))
    TIP_EXTENSION_MAX_DAYS = int(os.environ.get("TIP_EXTENSION_MAX_DAYS", 30))
    TIP_WORKING_DAYS = _bool("TIP_WORKING_DAYS", False)
    # Three-colour supervision: yellow when a deadline is this many days away or closer.
    TIP_WARN_DAYS = int(os.environ.get("TIP_WARN_DAYS", 3))
    # Photos per tip and the largest photo accepted.
    TIP_MAX_PHOTOS = int(os.environ.get("TIP_MAX_PHOTOS", 6))
    MAX_TIP_PHOTO_BYTES = int(os.environ.get("MAX_TIP_PHOTO_BYTES", 3 * 1024 * 1024))
    # The city's bounding box "south,north,west,east"; a point outside it is refused.
    TIP_BOUNDS = os.environ.get("TIP_BOUNDS", "29.0,32.5,111.0,116.5")
    # Reports per client address, and tracking-code lookups (against guessing).
    TIP_SUBMIT_RATE_LIMIT = os.environ.get("TIP_SUBMIT_RATE_LIMIT", "20 per hour")
    TIP_TRACK_RATE_LIMIT = os.environ.get("TIP_TRACK_RATE_LIMIT", "30 per minute")
    # A new tip is flagged as a possible duplicate of an open one of the same kind and district received
    # within this many days, this close (metres; by address likeness without coordinates), with similar text.
    TIP_DUPLICATE_DAYS = int(os.environ.get("TIP_DUPLICATE_DAYS", 30))
    TIP_DUPLICATE_RADIUS_M = float(os.environ.get("TIP_DUPLICATE_RADIUS_M", 500))
    # Public coordinates are rounded to this many decimal places (2 ≈ 1 km) so no home can be pinpointed.
    TIP_PUBLIC_COORDINATE_PLACES = int(os.environ.get("TIP_PUBLIC_COORDINATE_PLACES", 2))
    # Open311 API: requests per client address to the whole API, and reports posted per address.
    OPEN311_RATE_LIMIT = os.environ.get("OPEN311_RATE_LIMIT", "120 per minute")
    OPEN311_SUBMIT_RATE_LIMIT = os.environ.get("OPEN311_SUBMIT_RATE_LIMIT", "60 per hour")
    # Requests per minute per address to the automatic stations' push API (each carries up to 168 hours).
    ENVIRONMENT_PUSH_RATE_LIMIT = os.environ.get("ENVIRONMENT_PUSH_RATE_LIMIT", "120 per minute")
    # Days after an activity, visit or answered suggestion that the names and phone numbers of those who took
    # part are kept (volunteers: after their last activity); `flask participation-purge` then empties them.
    PARTICIPATION_RETENTION_DAYS = int(os.environ.get("PARTICIPATION_RETENTION_DAYS", 365))
    # Per address: activity sign-ups, open-day bookings and suggestions posted, and personal-code lookups
    # (sign-ups, bookings, volunteer records, suggestions).
    PARTICIPATION_SIGNUP_RATE_LIMIT = os.environ.get("PARTICIPATION_SIGNUP_RATE_LIMIT", "30 per hour")
    PARTICIPATION_BOOKING_RATE_LIMIT = os.environ.get("PARTICIPATION_BOOKING_RATE_LIMIT", "20 per hour")
    PARTICIPATION_SUGGESTION_RATE_LIMIT = os.environ.get("PARTICIPATION_SUGGESTION_RATE_LIMIT", "20 per hour")
    PARTICIPATION_LOOKUP_RATE_LIMIT = os.environ.get("PARTICIPATION_LOOKUP_RATE_LIMIT", "30 per minute")
    # Rectification ledger: objections to a closure posted per client address, and personal-code lookups.
    RECTIFICATION_OBJECTION_RATE_LIMIT = os.environ.get("RECTIFICATION_OBJECTION_RATE_LIMIT", "20 per hour")
    RECTIFICATION_LOOKUP_RATE_LIMIT = os.environ.get("RECTIFICATION_LOOKUP_RATE_LIMIT", "30 per minute")
    # Seconds each worker keeps this year's participation figures shown on /participation/.
    PARTICIPATION_HEADLINE_SECONDS = int(os.environ.get("PARTICIPATION_HEADLINE_SECONDS", 60))
    # Open311 discovery "contact": who API users write to; empty uses PRIVACY_CONTACT.
    OPEN311_CONTACT = os.environ.get("OPEN311_CONTACT", "")
    # Disclosure requests (依申请公开), in working days: answer, one extension at most, the applicant's time to
    # complete an unclear application; yellow supervision this many working days before the answer is due.
    DISCLOSURE_ANSWER_DAYS = int(os.environ.get("DISCLOSURE_ANSWER_DAYS", 20))
    DISCLOSURE_EXTENSION_MAX_DAYS = int(os.environ.get("DISCLOSURE_EXTENSION_MAX_DAYS", 20))
    # Art. 30 lets the staff set "a reasonable period" per request; this is only the longest the form accepts.
    DISCLOSURE_COMPLETION_MAX_DAYS = int(os.environ.get("DISCLOSURE_COMPLETION_MAX_DAYS", 60))
    DISCLOSURE_WARN_DAYS = int(os.environ.get("DISCLOSURE_WARN_DAYS", 5))
    # Applications per client address, and tracking-code lookups (against guessing).
    DISCLOSURE_SUBMIT_RATE_LIMIT = os.environ.get("DISCLOSURE_SUBMIT_RATE_LIMIT", "20 per hour")
    DISCLOSURE_TRACK_RATE_LIMIT = os.environ.get("DISCLOSURE_TRACK_RATE_LIMIT", "30 per minute")
    # Live complaint checks of the application text while it is typed (htmx), per client address.
    DISCLOSURE_SCREEN_RATE_LIMIT = os.environ.get("DISCLOSURE_SCREEN_RATE_LIMIT", "60 per minute")
    # Largest reply document accepted, in bytes.
    MAX_DISCLOSURE_DOCUMENT_BYTES = int(os.environ.get("MAX_DISCLOSURE_DOCUMENT_BYTES", 10 * 1024 * 1024))
    # Limiter defaults; storage is Redis when REDIS_URL is set, otherwise process memory.
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    # Where rate-limit counters live (redis://…); empty takes REDIS_URL, else process memory (one worker only).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "")
    RATELIMIT_HEADERS_ENABLED = True
    # Number of proxies in front of the app (nginx = 1) whose X-Forwarded-* headers are trusted.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", 0))
    # Rows per page in staff lists such as the audit log.
    PAGE_SIZE = int(os.environ.get("PAGE_SIZE", 50))
    # Engine options; empty takes the connection limits below (app/database.py), given ones are kept.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    # Seconds to wait for a new PostgreSQL connection (libpq connect_timeout; at least 2).
    DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", 5))
    # Seconds a PostgreSQL statement may run before the server cancels it (statement_timeout).
    DB_STATEMENT_TIMEOUT = float(os.environ.get("DB_STATEMENT_TIMEOUT", 60))
    # Seconds to wait for any answer of the PostgreSQL server before closing the connection (a frozen server).
    DB_ANSWER_TIMEOUT = float(os.environ.get("DB_ANSWER_TIMEOUT", 65))
    # Seconds a request waits for a free pooled connection before it gets the 503 page.
    DB_POOL_TIMEOUT = float(os.environ.get("DB_POOL_TIMEOUT", 10))
    # Seconds SQLite waits for another writer's lock before giving up ("database is locked").
    DB_LOCK_TIMEOUT = float(os.environ.get("DB_LOCK_TIMEOUT", 10))
    # Seconds /healthz waits for the database before answering 503.
    HEALTHZ_TIMEOUT = float(os.environ.get("HEALTHZ_TIMEOUT", 1.5))
    # Where `flask seed-demo` writes the generated demo staff passwords.
    DEMO_CREDENTIALS_FILE = os.environ.get("DEMO_CREDENTIALS_FILE", str(ROOT / "instance" / "demo-credentials.txt"))
    # Values of a year are due by this month-day of the following year (任务分解表 deadline); later ones are overdue.
    INDICATOR_DUE_MONTH_DAY = os.environ.get("INDICATOR_DUE_MONTH_DAY", "03-31")
    # Largest single evidence file accepted, in bytes.
    MAX_EVIDENCE_BYTES = int(os.environ.get("MAX_EVIDENCE_BYTES", 10 * 1024 * 1024))
    # Directory for uploaded files (evidence, photos, attachments), unless an object store is set below.
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(ROOT / "instance" / "uploads"))
    # An S3-compatible object store for uploads, shared by several app servers: the bucket (empty: local disk),
    # its endpoint (empty: AWS), region, credentials (empty: boto3's usual sources) and a key prefix.
    STORAGE_S3_BUCKET = os.environ.get("STORAGE_S3_BUCKET", "")
    STORAGE_S3_ENDPOINT_URL = os.environ.get("STORAGE_S3_ENDPOINT_URL", "")
    STORAGE_S3_REGION = os.environ.get("STORAGE_S3_REGION", "us-east-1")
    STORAGE_S3_ACCESS_KEY_ID = os.environ.get("STORAGE_S3_ACCESS_KEY_ID", "")
    STORAGE_S3_SECRET_ACCESS_KEY = os.environ.get("STORAGE_S3_SECRET_ACCESS_KEY", "")
    STORAGE_S3_PREFIX = os.environ.get("STORAGE_S3_PREFIX", "uploads/")
    # Disclosure notices: the index number (索引号) scheme; {seq} counts per bureau and year of the date created.
    NOTICE_INDEX_SCHEME = os.environ.get("NOTICE_INDEX_SCHEME", "{bureau_code}/{year}-{seq:05d}")
    # Largest notice attachment (PDF, DOCX, XLSX, image) accepted, in bytes.
    MAX_NOTICE_ATTACHMENT_BYTES = int(os.environ.get("MAX_NOTICE_ATTACHMENT_BYTES", 10 * 1024 * 1024))
    # (Disclosure catalogue supervision uses DISCLOSURE_WARN_DAYS too: an item due that close turns yellow.)
    # Notices per page of the public list.
    NOTICE_PAGE_SIZE = int(os.environ.get("NOTICE_PAGE_SIZE", 20))
    # Rectification ledger supervision: yellow when a task's deadline or next progress report is this many days away.
    RECTIFICATION_WARN_DAYS = int(os.environ.get("RECTIFICATION_WARN_DAYS", 7))
    # Background jobs (app/jobs): a Redis URL puts them on an RQ queue for `flask jobs-worker`; empty runs them in a
    # thread pool inside each app process (the embedded default; scheduled duties then need `flask jobs-run-due`).
    JOBS_REDIS_URL = os.environ.get("JOBS_REDIS_URL", "")
    # The RQ queue's name (one per site sharing a Redis).
    JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "ecociv")
    # Threads per app process that run jobs when there is no Redis.
    JOBS_THREADS = int(os.environ.get("JOBS_THREADS", 2))
    # Runs of a job before it is dead (shown to the office at /admin/jobs), unless its kind sets its own.
    JOBS_ATTEMPTS = int(os.environ.get("JOBS_ATTEMPTS", 3))
    # Seconds to wait before each retry, comma-separated (the last repeats).
    JOBS_RETRY_BACKOFF = os.environ.get("JOBS_RETRY_BACKOFF", "30,300")
    # Seconds one run may take on the RQ worker before it is stopped (a kind may set its own).
    JOBS_TIMEOUT = int(os.environ.get("JOBS_TIMEOUT", 1800))
    # Days a job's result file (an export with respondents' answers) is kept before it is deleted.
    JOBS_RESULT_DAYS = int(os.environ.get("JOBS_RESULT_DAYS", 7))
    # Hours after its time a scheduled duty missed (worker stopped) is still run when the scheduler comes back.
    JOBS_CATCH_UP_HOURS = int(os.environ.get("JOBS_CATCH_UP_HOURS", 24))
    # Scheduled duties: cron strings ("minute hour day month weekday") in TIMEZONE; empty switches one off.
    SURVEY_RETENTION_CRON = os.environ.get("SURVEY_RETENTION_CRON", "30 2 * * *")
    PARTICIPATION_PURGE_CRON = os.environ.get("PARTICIPATION_PURGE_CRON", "45 2 * * *")
    PARTICIPATION_REMINDERS_CRON = os.environ.get("PARTICIPATION_REMINDERS_CRON", "0 9 * * *")
    DB_ANALYZE_CRON = os.environ.get("DB_ANALYZE_CRON", "15 3 * * *")
    INDICATOR_REFRESH_CRON = os.environ.get("INDICATOR_REFRESH_CRON", "0 4 * * *")
    # Survey exports of more responses than this run as background jobs (a download link when done).
    SURVEY_EXPORT_BACKGROUND_ABOVE = int(os.environ.get("SURVEY_EXPORT_BACKGROUND_ABOVE", 20_000))
    # Notifications (app/notifications): e-mail over SMTP when MAIL_SMTP_HOST is set (else written to the log);
    # MAIL_SMTP_SECURITY is "starttls", "ssl" or "none".
    MAIL_SMTP_HOST = os.environ.get("MAIL_SMTP_HOST", "")
    MAIL_SMTP_PORT = int(os.environ.get("MAIL_SMTP_PORT", 587))
    MAIL_SMTP_SECURITY = os.environ.get("MAIL_SMTP_SECURITY", "starttls")
    MAIL_SMTP_USER = os.environ.get("MAIL_SMTP_USER", "")
    MAIL_SMTP_PASSWORD = os.environ.get("MAIL_SMTP_PASSWORD", "")
    MAIL_SMTP_TIMEOUT = float(os.environ.get("MAIL_SMTP_TIMEOUT", 20))
    MAIL_FROM = os.environ.get("MAIL_FROM", "noreply@localhost")
    MAIL_FROM_NAME = os.environ.get("MAIL_FROM_NAME", "")
    # Text messages: SMS_GATEWAY "http" posts to SMS_HTTP_URL with SMS_HTTP_TOKEN (README: the gateway interface);
    # "log" (the default) writes them to the log. SMS_SIGN_NAME is the registered signature (短信签名).
    SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "log")
    SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
    SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN", "")
    SMS_HTTP_TIMEOUT = float(os.environ.get("SMS_HTTP_TIMEOUT", 10))
    SMS_SIGN_NAME = os.environ.get("SMS_SIGN_NAME", "")
    # Tries of one message before it is given up (a permanent refusal gives up at once).
    NOTIFICATION_ATTEMPTS = int(os.environ.get("NOTIFICATION_ATTEMPTS", 4))
    # Minutes within which one address gets no second confirmation message (a new request updates the waiting one).
    NOTIFICATION_CONFIRM_INTERVAL_MINUTES = int(os.environ.get("NOTIFICATION_CONFIRM_INTERVAL_MINUTES", 60))
    # Days a sent message keeps its full address; afterwards only the masked hint stays on the record.
    NOTIFICATION_RETENTION_DAYS = int(os.environ.get("NOTIFICATION_RETENTION_DAYS", 90))
    NOTIFICATION_RETENTION_CRON = os.environ.get("NOTIFICATION_RETENTION_CRON", "50 2 * * *")
    # Posts of the public subscribe form per address (each sends a confirmation message).
    NOTIFICATION_SUBSCRIBE_RATE_LIMIT = os.environ.get("NOTIFICATION_SUBSCRIBE_RATE_LIMIT", "10 per hour")
    # Tells subscribers of notices approved for a later publication time once that time has come.
    NOTIFICATION_NOTICES_CRON = os.environ.get("NOTIFICATION_NOTICES_CRON", "*/15 * * * *")


def _psycopg_url(url: str) -> str:
    """postgres:// and postgresql:// URLs through psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def finalize(config: dict) -> None:
    """Derive settings that depend on others, and refuse unsafe ones."""
    if not config.get("RATELIMIT_STORAGE_URI"):
        config["RATELIMIT_STORAGE_URI"] = config.get("REDIS_URL") or "memory://"
    config["SITE_NAMES"] = {"zh_Hans": config["SITE_NAME"], "zh_Hant": config.get("SITE_NAME_ZH_HANT"),
                            "en": config.get("SITE_NAME_EN")}
    config["CITY_NAMES"] = {"zh_Hans": config["CITY_NAME"], "zh_Hant": config.get("CITY_NAME_ZH_HANT"),
                            "en": config.get("CITY_NAME_EN")}
    config["PRIVACY_CONTACTS"] = {"zh_Hans": config["PRIVACY_CONTACT"],
                                  "zh_Hant": config.get("PRIVACY_CONTACT_ZH_HANT"),
                                  "en": config.get("PRIVACY_CONTACT_EN")}
    config["SQLALCHEMY_DATABASE_URI"] = _psycopg_url(config["SQLALCHEMY_DATABASE_URI"])
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {**engine_options(config), **config.get("SQLALCHEMY_ENGINE_OPTIONS", {})}
    replica = _psycopg_url(config.get("DATABASE_REPLICA_URL") or "")
    if replica:
        config["SQLALCHEMY_BINDS"] = {**config.get("SQLALCHEMY_BINDS", {}), "replica": {
            "url": replica, **engine_options({**config, "SQLALCHEMY_DATABASE_URI": replica})}}
    config["PUBLIC_BASE_URL"] = _public_base_url(config.get("PUBLIC_BASE_URL") or "",
                                                 required=not (config.get("DEBUG") or config.get("TESTING")))
    if not (config.get("DEBUG") or config.get("TESTING")):
        key = config.get("SECRET_KEY") or ""
        if key == DEFAULT_SECRET_KEY or len(key) < 16:
            raise RuntimeError(
                "SECRET_KEY is missing or a default: set a long random SECRET_KEY in the environment "
                "(python -c 'import secrets; print(secrets.token_hex(32))')."
            )


def _public_base_url(value: str, *, required: bool) -> str:
    """PUBLIC_BASE_URL without a trailing slash; refuses a missing (outside debug) or malformed one."""
    value = value.strip().rstrip("/")
    if not value and not required:
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or parts.fragment \
            or parts.username or parts.password:
        raise RuntimeError("PUBLIC_BASE_URL must be the site's public address such as https://eco.example.gov.cn "
                           "(scheme and host, no path): absolute links are built on it, never on the Host header.")
    return value
