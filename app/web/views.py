"""Site-wide pages: home, health check, privacy notice, display preferences."""
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from sqlalchemy import text

from app.db_types import utcnow
from app.extensions import db
from app.i18n import local_today
from app.web import home as figures
from app.web.htmx import safe_next, see_other

bp = Blueprint("web", __name__)

ONE_YEAR = 365 * 24 * 3600


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
    """For load balancers: 200 when the app and its database answer, 503 otherwise."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        current_app.logger.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok")


@bp.post("/preferences/elder-mode")
def toggle_elder_mode():
    """Switch the large-text, high-contrast mode (长者模式) on or off; remembered in a cookie."""
    enable = request.form.get("enable") == "1"
    response = see_other(safe_next(request.form.get("next"), url_for("web.home")))
    response.set_cookie("elder", "1" if enable else "0", max_age=ONE_YEAR, samesite="Lax", httponly=True,
                        secure=request.is_secure)
    return response
