"""Site-wide pages: home, health check, privacy notice, display preferences."""
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as CheckTimeout

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from sqlalchemy import text

from app.database import answer_within
from app.db_types import utcnow
from app.extensions import db
from app.i18n import local_today
from app.web import home as figures
from app.web.htmx import safe_next, see_other

bp = Blueprint("web", __name__)

ONE_YEAR = 365 * 24 * 3600
# Health checks run here, so that the answer can be given when the database does not answer in time; two
# threads at most, so a frozen database cannot pile up checks (a queued check times out too).
_health_checks = ThreadPoolExecutor(max_workers=2, thread_name_prefix="healthz")


@bp.get("/")
def home():
    """Where the city stands (compliance, satisfaction and participation, notices, cases, tips), each linking on."""
    compliance = figures.city_compliance(db.session)
    year = local_today().year
    return render_template("home.html", compliance=compliance,
                           surveyed=figures.survey_figures(db.session, compliance.period if compliance else None),
                           notices=figures.latest_notices(db.session, utcnow()),
                           cases=figures.latest_cases(db.session), tip_year=year,
                           tips=figures.tip_figures(db.session, year))


@bp.get("/favicon.ico")
def favicon():
    """Browsers that ignore the <link rel=icon> still ask for this path."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.get("/privacy")
def privacy():
    return render_template("privacy.html")


@bp.get("/healthz")
def healthz():
    """For load balancers: 200 when the app and its database answer, 503 otherwise — within HEALTHZ_TIMEOUT
    seconds even when the database is frozen."""
    limit = current_app.config["HEALTHZ_TIMEOUT"]
    check = _health_checks.submit(_database_answers, db.engine, limit)
    try:
        check.result(timeout=limit)
    except CheckTimeout:
        current_app.logger.error("health check: the database did not answer within %s s", limit)
        return jsonify(status="unavailable", database="no answer"), 503
    except Exception as error:
        current_app.logger.error("health check: database unreachable: %s", error)
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok")


def _database_answers(engine, limit: float) -> None:
    with answer_within(limit), engine.connect() as connection:
        connection.execute(text("SELECT 1"))


@bp.post("/preferences/elder-mode")
def toggle_elder_mode():
    """Switch the large-text, high-contrast mode (长者模式) on or off; remembered in a cookie."""
    enable = request.form.get("enable") == "1"
    response = see_other(safe_next(request.form.get("next"), url_for("web.home")))
    response.set_cookie("elder", "1" if enable else "0", max_age=ONE_YEAR, samesite="Lax", httponly=True,
                        secure=request.is_secure)
    return response
