"""Public survey pages: the list, answering (one page or paged, with or without JavaScript), thanks, results."""
import hashlib
import hmac
import secrets

from flask import Blueprint, Response, abort, current_app, g, json, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select

from app.db_types import utcnow
from app.extensions import db, limiter
from app.i18n import current_locale
from app.surveys import cache, queries, services
from app.surveys.answers import Answers, read_answers
from app.surveys.models import ResponseChannel, SurveyResponse, SurveyState
from app.web.htmx import render, see_other
from app.web.params import db_int
from app.web.urls import public_url

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
api_bp = Blueprint("surveys_api", __name__, url_prefix="/api/v1/surveys")

BROWSER_COOKIE = "survey_browser"
HONEYPOT_FIELD = "website"


def _survey_or_404(survey_id: int, *states: SurveyState):
    """The survey as this worker keeps it for the current generation (app.surveys.cache): detached and read-only,
    with its sections, questions and options; templates that read further are rendered from _attached()."""
    survey = _snapshot().survey(survey_id)
    if survey is None or not (survey.state in states if states else survey.state.is_public):
        abort(404)
    return survey


def _snapshot() -> cache.Snapshot:
    """This request's view of the cache (the generation is read once per request)."""
    if "survey_snapshot" not in g:
        g.survey_snapshot = cache.snapshot(db.session)
    return g.survey_snapshot


def _attached(survey):
    """The survey loaded in this request's session, for rendering what reads beyond the cached structure."""
    return queries.load_survey(db.session, survey.id)


def _blank_form(survey):
    """The blank answering form (first page, no answers) with this request's CSRF and submission tokens: rendered
    once per generation and language with placeholders, which are replaced here and so never kept."""
    body = _snapshot().fragment(("form", survey.id, current_locale()), lambda: _form_html(survey))
    form = cache.fill_form(body, generate_csrf(), secrets.token_hex(16))
    return render("surveys/answer.html", "surveys/_prerendered.html", survey=survey, form=form, kept_layout=True)


def _form_html(survey) -> str:
    return render_template("surveys/_form.html", csrf_token=lambda: cache.CSRF_PLACEHOLDER,
                           **_form_context(_attached(survey), answers=Answers(),
                                           submission=cache.SUBMISSION_PLACEHOLDER))


def _browser_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="survey-browser")


def _browser_token() -> tuple[str, bool]:
    """This browser's random token (from its signed cookie), and whether it is new."""
    try:
        return _browser_serializer().loads(request.cookies.get(BROWSER_COOKIE, "")), False
    except BadSignature:
        return secrets.token_urlsafe(16), True


def _browser_key(survey_id: int, token: str) -> str:
    """A keyed hash: enough to refuse a second answer from the browser, useless for tracing anyone."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"{survey_id}:{token}".encode(), hashlib.sha256).hexdigest()


def _with_browser_cookie(response, token: str, new: bool):
    if new:
        response = make_response(response)
        response.set_cookie(BROWSER_COOKIE, _browser_serializer().dumps(token), max_age=3 * 365 * 24 * 3600,
                            httponly=True, samesite="Lax", secure=request.is_secure)
    return response


@bp.get("/")
def index():
    return render("surveys/index.html", open_surveys=queries.open_surveys(db.session),
                  closed_surveys=queries.published_closed_surveys(db.session))


def _pages(survey) -> list[list]:
    """The questions page by page: one page in all, or one per section."""
    if survey.paged:
        return [list(section.questions) for section in survey.sections if section.questions]
    return [services.ordered_questions(survey)]


def _form_context(survey, *, answers: Answers, step: int = 0, invitation=None, consent: bool = False,
                  submission: str | None = None) -> dict:
    """What surveys/_form.html is rendered with (the blank form kept in the cache and every other one)."""
    pages = _pages(survey)
    step = max(0, min(step, len(pages) - 1))
    return dict(survey=survey, pages=pages, step=step, page_questions=pages[step], answers=answers,
                invitation=invitation, consent=consent, submission=submission or secrets.token_hex(16),
                numbers={q.id: n for n, q in enumerate(services.ordered_questions(survey), start=1)},
                honeypot=HONEYPOT_FIELD)


def _render_form(survey, *, answers: Answers, step: int = 0, invitation=None, status: int = 200,
                 consent: bool = False, submission: str | None = None):
    return render("surveys/answer.html", "surveys/_form.html", status=status,
                  **_form_context(survey, answers=answers, step=step, invitation=invitation, consent=consent,
                                  submission=submission))


def _invitation_for(survey):
    """The sampled respondent's invitation from ?code= or the form, or an error message."""
    code = (request.values.get("code") or "").strip()
    if not code:
        return None, None
    invitation = services.find_invitation(db.session, survey, code)
    if invitation is None:
        return None, _("This invitation code is not valid for this survey. Check it and try again.")
    if invitation.used_at is not None:
        return None, _("This invitation code has already been used. Each code can answer once.")
    return invitation, None


def _already_received(survey, submission: str | None) -> bool:
    return bool(submission) and db.session.scalar(select(SurveyResponse.id).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.submission_key == submission[:64])) is not None


@bp.route("/<int:survey_id>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SURVEY_SUBMIT_RATE_LIMIT"], methods=["POST"])
def answer(survey_id: int):
    survey = _survey_or_404(survey_id)
    reason = services.not_accepting_reason(survey, utcnow())
    if reason:
        return render("surveys/not_accepting.html", survey=survey, reason=reason,
                      status=200 if request.method == "GET" else 409)
    invitation = None
    if survey.is_sampled:
        invitation, problem = _invitation_for(survey)
        if (invitation is None and request.method == "POST"
                and _already_received(survey, request.form.get("submission"))):
            return see_other(url_for(".thanks", survey_id=survey.id))  # the code was used by this very form
        if invitation is None:
            return render("surveys/code.html", survey=survey, problem=problem,
                          code=request.values.get("code", ""), status=422 if problem else 200)
    token, new_token = _browser_token()
    def answered_before():
        """For a browser that has already answered: where it goes instead of the form, else None."""
        if (survey.is_sampled or new_token
                or not queries.answered_from_browser(db.session, survey.id, _browser_key(survey.id, token))):
            return None
        if request.method == "POST" and _already_received(survey, request.form.get("submission")):
            return see_other(url_for(".thanks", survey_id=survey.id))  # a double click: the first one counted
        # Said at once, instead of a form that would be refused only after every answer was given again.
        return render("surveys/not_accepting.html", survey=survey, status=200 if request.method == "GET" else 409,
                      reason=_("You have already answered this survey from this browser. Thank you!"))
    if request.method == "GET":
        refused = answered_before()
        if refused is not None:
            return refused
        page = (_blank_form(survey) if invitation is None
                else _render_form(_attached(survey), answers=Answers(), invitation=invitation))
        return _with_browser_cookie(page, token, new_token)
    return _with_browser_cookie(_take_answers(survey, invitation, token, answered_before), token, new_token)


def _take_answers(survey, invitation, token: str, answered_before):
    """Check and store the answers. The cached (detached) survey is enough to read and store them; a form shown
    again is rendered from the survey loaded in this request's session. Whether this browser has answered before
    is read only when the form would be shown again: for complete answers the database's unique key decides."""
    form = request.form

    def form_again(**context):
        return answered_before() or _render_form(_attached(survey), **context)
    questions = services.ordered_questions(survey)
    pages = _pages(survey)
    step = form.get("step", type=db_int, default=0)
    submission = form.get("submission", "")[:64] or secrets.token_hex(16)
    consent = form.get("consent") == "yes"
    if form.get(HONEYPOT_FIELD):  # filled in by a bot: look successful, store nothing
        return see_other(url_for(".thanks", survey_id=survey.id))
    answers = read_answers(questions, form)
    kept = dict(answers=answers, invitation=invitation, consent=consent, submission=submission)
    if not consent:
        answers.form_errors.append(_("Please read the notice and tick the box to agree before answering."))
        return form_again(step=0, status=422, **kept)
    moving = form.get("move")
    if moving == "back":
        answers.errors.clear()
        return form_again(step=step - 1, **kept)
    if moving == "next" and step < len(pages) - 1:
        page_ids = {q.id for q in pages[step]}
        answers.errors = {qid: message for qid, message in answers.errors.items() if qid in page_ids}
        if answers.errors or answers.form_errors:
            return form_again(step=step, status=422, **kept)
        return form_again(step=step + 1, **kept)
    if not answers.valid:
        first_bad = next((n for n, page in enumerate(pages) for q in page if q.id in answers.errors), step)
        return form_again(step=first_bad, status=422, **kept)
    survey_id = survey.id
    try:
        services.submit_response(
            db.session, survey, questions, answers, submission_key=submission, locale=current_locale(),
            channel=ResponseChannel.INVITATION if invitation else ResponseChannel.WEB, invitation=invitation,
            browser_key=None if survey.is_sampled else _browser_key(survey.id, token),
            quota_options=_snapshot().quota_options(survey.id))
        db.session.commit()
    except (services.SurveyError, services.AlreadySubmitted) as error:
        db.session.rollback()
        if _already_received(survey, submission):
            return see_other(url_for(".thanks", survey_id=survey.id))  # a double click: the first one counted
        if isinstance(error, services.AlreadySubmitted):
            return render("surveys/not_accepting.html", survey=survey, status=409,
                          reason=_("You have already answered this survey from this browser. Thank you!"))
        survey = queries.load_survey(db.session, survey_id)
        answers.form_errors.append(str(error))
        return _render_form(survey, step=step, status=409 if isinstance(error, services.NotAccepting) else 422,
                            **{**kept, "invitation": None if invitation is None else
                               services.find_invitation(db.session, survey, invitation.code)})
    return see_other(url_for(".thanks", survey_id=survey_id))  # no reload after the commit


@bp.post("/<int:survey_id>/check/<int:question_id>")
def check_question(survey_id: int, question_id: int):
    """Inline validation of one question while answering (htmx); the full check happens on submit."""
    survey = _attached(_survey_or_404(survey_id, SurveyState.OPEN))
    questions = services.ordered_questions(survey)
    question = next((q for q in questions if q.id == question_id), None) or abort(404)
    answers = read_answers(questions, request.form)
    numbers = {q.id: n for n, q in enumerate(questions, start=1)}
    return render("surveys/_question.html", "surveys/_question.html", q=question, answers=answers,
                  numbers=numbers)


@bp.get("/<int:survey_id>/thanks")
def thanks(survey_id: int):
    survey = _survey_or_404(survey_id)
    results = queries.survey_results(db.session, _attached(survey)) if survey.publish_results else None
    return render("surveys/thanks.html", survey=survey, results=results)


@bp.get("/<int:survey_id>/results")
def results(survey_id: int):
    survey = _survey_or_404(survey_id)
    if not survey.publish_results:
        abort(404)

    def content() -> str:
        attached = _attached(survey)
        return render_template("surveys/_results.html", survey=attached,
                               results=queries.survey_results(db.session, attached))
    fragment = _snapshot().fragment(("results", survey.id, current_locale()), content)
    return render("surveys/results.html", survey=survey, fragment=fragment, kept_layout=True)


def _estimate_json(estimate):
    if estimate is None:
        return None
    return {"value": round(estimate.value, 4), "n": estimate.n, "ci95": [round(estimate.low, 4),
                                                                         round(estimate.high, 4)],
            "margin_of_error": round(estimate.margin, 4)}


@api_bp.get("/<int:survey_id>/results")
def results_json(survey_id: int):
    """Open data: n, per-question counts, and the rates with their 95% intervals."""
    survey = _survey_or_404(survey_id)
    if not survey.publish_results:
        abort(404)
    body = _snapshot().fragment(("json", survey.id, current_locale()),
                                               lambda: json.dumps(_results_document(_attached(survey))) + "\n")
    return Response(str(body), mimetype="application/json")


def _results_document(survey) -> dict:
    results = queries.survey_results(db.session, survey)
    return {
        "api_version": 1, "survey": {"id": survey.id, "title": survey.title, "mode": survey.mode,
                                     "state": survey.state, "counts_for_indicators": survey.is_sampled},
        "respondents": results.respondents,
        "questions": [{"code": r.question.code, "text": r.question.text, "kind": r.question.kind,
                       "answered": r.answered,
                       "options": [{"label": o.option.label, "count": o.count} for o in r.options]}
                      for r in results.questions if r.question.kind.has_options],
        "measures": [{"measure": m.measure, "overall": _estimate_json(m.overall),
                      "post_stratified": m.stratified, "weighting": m.weighting.value,
                      "unweighted": _estimate_json(m.unweighted),
                      # District figures are descriptive (n ≈ 50 gives ±4–8 points): never judged against the target.
                      "districts_descriptive": True,
                      "districts": [{"district": o.label, "estimate": _estimate_json(e)} for o, e in m.by_district],
                      **({"definitions": [{"definition": d.definition.value, "overall": _estimate_json(d.overall),
                                           "unweighted": _estimate_json(d.unweighted)} for d in m.definitions]}
                         if m.definitions else {})}
                     for m in results.measures],
        "weighting": {"method": results.weighting.value,
                      "districts": [{"district": w.option.label, "adult_population": w.adult_population,
                                     "respondents": w.respondents,
                                     "population_share": (round(float(w.weight.population_share), 6)
                                                          if w.weight else None),
                                     "sample_share": round(float(w.weight.sample_share), 6) if w.weight else None,
                                     "weight": round(float(w.weight.weight), 6) if w.weight else None}
                                    for w in results.weights]},
        "method": public_url("surveys.results", survey_id=survey.id) + "#method",
    }


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from app.web.nav import add_public

    app.register_blueprint(bp)
    app.register_blueprint(api_bp)
    add_public(app, "surveys.index", _l("Surveys"),
               _l("Tell the city how satisfied you are with the environment and how you take part."))
