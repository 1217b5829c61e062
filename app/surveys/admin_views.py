"""Survey back office: the builder, opening and closing, invitations and quotas, telephone interviews,
results with breakdowns, streamed exports, and voiding responses."""
import secrets

from flask import Blueprint, Response, abort, current_app, flash, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app import audit
from app.accounts.permissions import Permission
from app.db_types import utcnow
from app.extensions import db
from app.i18n import current_locale, from_local_input, site_zone
from app.indicators import providers
from app.indicators.queries import catalogue_for_year
from app.jobs import queries as job_queries
from app.jobs import services as job_services
from app.org.queries import districts
from app.surveys import exports, queries, services, template
from app.surveys import jobs as survey_jobs
from app.surveys.answers import Answers, read_answers
from app.surveys.forms import (InvitationsForm, NewSurveyForm, OptionForm, QuestionEditForm, QuestionForm,
                               SectionForm, SurveySettingsForm, VoidForm)
from app.surveys.models import (CountsAs, Measure, QuestionKind, ResponseChannel, SurveyInvitation, SurveyMode,
                                SurveyOption, SurveyQuestion, SurveyResponse, SurveySection, SurveyState)
from app.surveys.services import SurveyError, Texts
from app.surveys.workflow import allowed_steps
from app.web.actions import act
from app.web.auth import permission_required
from app.web.forms import ConfirmForm
from app.web.htmx import render, see_other
from app.web.pagination import paginate
from app.web.params import is_db_int
from app.web.qr import qr_svg
from app.web.urls import public_url

bp = Blueprint("surveys_admin", __name__, url_prefix="/admin/surveys")


def _survey(survey_id: int):
    return queries.load_survey(db.session, survey_id) or abort(404)


def _texts(form, field: str) -> Texts:
    return Texts(*(getattr(form, f"{field}_{locale}").data or "" for locale in ("zh_hans", "zh_hant", "en")))


def _utc(value):
    return from_local_input(value)


def _local(value):
    """A stored UTC time as the city's wall-clock time the form shows, or None."""
    return value.astimezone(site_zone()).replace(tzinfo=None) if value else None


def _saying(message, url: str):
    """A `then` for act() that flashes a success message naming the action's result (a count, an id), which
    act's own `success` cannot, being written before the action runs."""
    def then(result) -> str:
        flash(message(result), "success")
        return url
    return then


@bp.route("/", methods=["GET", "POST"])
@permission_required(Permission.SURVEYS_MANAGE)
def index():
    form = NewSurveyForm()

    def page(status: int):
        counts = dict(db.session.execute(select(SurveyResponse.survey_id, func.count())
                                         .where(SurveyResponse.voided_at.is_(None))
                                         .group_by(SurveyResponse.survey_id)).all())
        return render("admin/surveys/index.html", surveys=queries.all_surveys(db.session), form=form,
                      counts=counts, status=status)

    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    title, mode = Texts(form.title_zh_hans.data), SurveyMode(form.mode.data)
    build = template.build_template if form.from_template.data else services.create_survey
    return act(lambda: build(db.session, current_user, mode=mode, title=title),
               success=_("Survey created as a draft."), then=lambda survey: url_for(".detail", survey_id=survey.id),
               refused=lambda error: page(422), form=form, summary=True)


def _condition_choices(survey, question=None):
    earlier = [q for q in services.ordered_questions(survey)
               if q.kind.has_options and (question is None or q.position < question.position)]
    return [(0, _("Always shown"))] + [(o.id, f"{q.code}: {o.label}") for q in earlier for o in q.options]


@bp.route("/<int:survey_id>", methods=["GET", "POST"])
@permission_required(Permission.SURVEYS_MANAGE)
def detail(survey_id: int):
    """The builder: settings, sections and questions, and the state buttons."""
    survey = _survey(survey_id)
    form = SurveySettingsForm(obj=survey)
    if request.method == "GET":
        form.opens_at.data, form.closes_at.data = _local(survey.opens_at), _local(survey.closes_at)

    def page(survey, status: int):
        question_form = QuestionForm(formdata=None)
        question_form.condition_option_id.choices = _condition_choices(survey)
        return render("admin/surveys/detail.html", survey=survey, form=form, section_form=SectionForm(formdata=None),
                      question_form=question_form, confirm=ConfirmForm(), steps=allowed_steps(survey.state),
                      locked=services.has_responses(db.session, survey), status=status)

    if not form.validate_on_submit():
        return page(survey, 422 if request.method == "POST" else 200)
    return act(lambda: services.update_survey(
                   db.session, current_user, survey, title=_texts(form, "title"), intro=_texts(form, "intro"),
                   mode=form.mode.data, opens_at=_utc(form.opens_at.data), closes_at=_utc(form.closes_at.data),
                   publish_results=form.publish_results.data, paged=form.paged.data,
                   indicator_period=form.indicator_period.data or None, post_stratify=form.post_stratify.data,
                   retention_days=form.retention_days.data),
               success=_("Settings saved."), then=url_for(".detail", survey_id=survey.id), form=form,
               summary=True, refused=lambda error: page(_survey(survey_id), 422))


@bp.post("/<int:survey_id>/state/<state>")
@permission_required(Permission.SURVEYS_MANAGE)
def change_state(survey_id: int, state: str):
    survey = _survey(survey_id)
    if not ConfirmForm().validate_on_submit() or state not in SurveyState.values():
        abort(400)
    target = SurveyState(state)  # a state no step leads to (a draft again) is refused by the service

    def take_step():
        services.change_state(db.session, current_user, survey, target)
        if target == SurveyState.CLOSED and survey.is_sampled and survey.indicator_period:
            _refresh_indicators(survey)

    detail_url = url_for(".detail", survey_id=survey_id)
    return act(take_step, success=_("The survey is now %(state)s.", state=target.title), then=detail_url,
               refused=lambda error: see_other(detail_url))


def _refresh_indicators(survey) -> int:
    catalogue = catalogue_for_year(db.session, int(survey.indicator_period))
    return providers.refresh_computed_values(db.session, catalogue, survey.indicator_period) if catalogue else 0


@bp.post("/<int:survey_id>/indicators")
@permission_required(Permission.SURVEYS_MANAGE)
def send_to_indicators(survey_id: int):
    """Recompute the satisfaction and participation indicators from this sampled survey now."""
    survey = _survey(survey_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)

    def feed() -> int:
        if not (survey.is_sampled and survey.indicator_period):
            raise SurveyError(_("Only a sampled survey with an indicator year feeds the indicators."))
        return _refresh_indicators(survey)

    results_url = url_for(".results", survey_id=survey_id)
    return act(feed, success=None, then=_saying(lambda n: _("%(n)d indicator values updated.", n=n), results_url),
               refused=lambda error: see_other(results_url))


@bp.post("/<int:survey_id>/sections")
@permission_required(Permission.SURVEYS_MANAGE)
def add_section(survey_id: int):
    survey = _survey(survey_id)
    form = SectionForm()
    if not form.validate_on_submit():
        flash(_("Give the section a title."), "error")
        return see_other(url_for(".detail", survey_id=survey_id))
    sections = url_for(".detail", survey_id=survey_id) + "#sections"
    return act(lambda: services.add_section(db.session, current_user, survey, _texts(form, "title")),
               success=None, then=sections, refused=lambda error: see_other(sections))


def _options_from(text: str) -> list[Texts]:
    options = []
    for line in (text or "").splitlines():
        parts = [part.strip() for part in line.split("|")]
        if parts and parts[0]:
            options.append(Texts(*(parts + ["", ""])[:3]))
    return options


def _measure(chosen: str, kind: QuestionKind) -> Measure | None:
    if chosen == services.STANDARD_MEASURE:
        return services.standard_measure(kind)
    return Measure(chosen) if chosen else None


@bp.route("/sections/<int:section_id>/questions", methods=["GET", "POST"])
@permission_required(Permission.SURVEYS_MANAGE)
def add_question(section_id: int):
    section = db.session.get(SurveySection, section_id) or abort(404)
    survey = _survey(section.survey_id)
    form = QuestionForm()
    form.condition_option_id.choices = _condition_choices(survey)

    def page(error=None):
        return render("admin/surveys/question_new.html", survey=survey, section=section, form=form,
                      status=422 if request.method == "POST" else 200)

    if not form.validate_on_submit():
        return page()
    kind = QuestionKind(form.kind.data)
    options = _options_from(form.options.data)
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.DEMOGRAPHIC) and len(options) < 2:
        form.options.errors.append(_("Give at least two options, one per line."))
        return page()
    return act(lambda: services.add_question(
                   db.session, current_user, section, kind=kind, text=_texts(form, "text"), help=_texts(form, "help"),
                   required=form.required.data, max_choices=form.max_choices.data,
                   measure=_measure(form.measure.data, kind),
                   condition_option_id=form.condition_option_id.data or None, options=options or None),
               success=_("Question added."), then=url_for(".detail", survey_id=survey.id) + f"#section-{section.id}",
               refused=page, form=form, summary=True)


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@permission_required(Permission.SURVEYS_MANAGE)
def edit_question(question_id: int):
    question = db.session.get(SurveyQuestion, question_id) or abort(404)
    survey = _survey(question.survey_id)
    form = QuestionEditForm(obj=question)
    form.condition_option_id.choices = _condition_choices(survey, question)
    if request.method == "GET":
        form.condition_option_id.data = question.condition_option_id or 0
        form.measure.data = question.measure or ""

    def page(error=None):
        option_forms = [(option, OptionForm(formdata=None, obj=option, prefix=f"o{option.id}"))
                        for option in question.options]
        for option, option_form in option_forms:
            option_form.counts_as.data = option.counts_as or ""
        return render("admin/surveys/question_edit.html", survey=survey, question=question, form=form,
                      option_forms=option_forms, new_option=OptionForm(formdata=None, prefix="new"),
                      confirm=ConfirmForm(), locked=services.has_responses(db.session, survey),
                      status=422 if request.method == "POST" else 200)

    if not form.validate_on_submit():
        return page()
    return act(lambda: services.update_question(
                   db.session, current_user, question, text=_texts(form, "text"), help=_texts(form, "help"),
                   required=form.required.data, max_choices=form.max_choices.data,
                   measure=_measure(form.measure.data, question.kind),
                   condition_option_id=form.condition_option_id.data or None),
               success=_("Question saved."), then=url_for(".detail", survey_id=survey.id) + f"#question-{question.id}",
               refused=page, form=form, summary=True)


@bp.post("/questions/<int:question_id>/delete")
@permission_required(Permission.SURVEYS_MANAGE)
def delete_question(question_id: int):
    question = db.session.get(SurveyQuestion, question_id) or abort(404)
    survey_id = question.survey_id
    if not ConfirmForm().validate_on_submit():
        abort(400)
    detail_url = url_for(".detail", survey_id=survey_id)
    return act(lambda: services.delete_question(db.session, current_user, question), success=_("Question deleted."),
               then=detail_url, refused=lambda error: see_other(detail_url))


@bp.post("/options/<int:option_id>")
@permission_required(Permission.SURVEYS_MANAGE)
def update_option(option_id: int):
    option = db.session.get(SurveyOption, option_id) or abort(404)
    form = OptionForm(prefix=f"o{option.id}")
    question_url = url_for(".edit_question", question_id=option.question_id)
    if not form.validate_on_submit():
        flash(_("Check the option: %(errors)s", errors="; ".join(str(e) for errors in form.errors.values()
                                                                 for e in errors)), "error")
        return see_other(question_url)
    return act(lambda: services.update_option(db.session, current_user, option, label=_texts(form, "label"),
                                              counts_as=CountsAs(form.counts_as.data) if form.counts_as.data else None,
                                              weight=form.weight.data),
               success=_("Option saved."), then=question_url, refused=lambda error: see_other(question_url))


@bp.post("/questions/<int:question_id>/options")
@permission_required(Permission.SURVEYS_MANAGE)
def add_option(question_id: int):
    question = db.session.get(SurveyQuestion, question_id) or abort(404)
    form = OptionForm(prefix="new")
    question_url = url_for(".edit_question", question_id=question_id)
    if not form.validate_on_submit():
        flash(_("Give the option a label."), "error")
        return see_other(question_url)
    return act(lambda: services.add_option(db.session, current_user, question, _texts(form, "label")),
               success=None, then=question_url, refused=lambda error: see_other(question_url))


# --- sampling: invitations and quotas ------------------------------------------------------------------

@bp.route("/<int:survey_id>/sample", methods=["GET", "POST"])
@permission_required(Permission.SURVEYS_MANAGE)
def sample(survey_id: int):
    """Invitation codes per district and quotas (target sample sizes), with progress."""
    survey = _survey(survey_id)
    form = InvitationsForm()
    places = districts(db.session)
    form.place_id.choices = [(0, _("Any district"))] + [(p.id, p.name) for p in places]

    def page(error=None):
        batches = db.session.execute(
            select(SurveyInvitation.batch, func.count(), func.count(SurveyInvitation.used_at))
            .where(SurveyInvitation.survey_id == survey.id)
            .group_by(SurveyInvitation.batch).order_by(SurveyInvitation.batch)).all()
        quota_questions = [q for q in services.ordered_questions(survey) if q.kind.breaks_down]
        return render("admin/surveys/sample.html", survey=survey, form=form, batches=batches,
                      progress={p.option.id: p for p in queries.quota_progress(db.session, survey)},
                      quota_questions=quota_questions, tallies=queries.tallies(db.session, survey.id, [""]),
                      confirm=ConfirmForm(), status=422 if request.method == "POST" else 200)

    if not form.validate_on_submit():
        return page()
    place = next((p for p in places if p.id == form.place_id.data), None)
    return act(lambda: services.generate_invitations(db.session, current_user, survey, count=form.count.data,
                                                     place=place),
               success=None, then=_saying(lambda invitations: _("%(n)d invitation codes generated.",
                                                                n=len(invitations)),
                                          url_for(".sample", survey_id=survey.id)),
               refused=page, form=form, summary=True)


@bp.post("/<int:survey_id>/quotas")
@permission_required(Permission.SURVEYS_MANAGE)
def save_quotas(survey_id: int):
    survey = _survey(survey_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    options = {o.id: o for q in services.ordered_questions(survey) if q.kind.breaks_down for o in q.options}
    current = {p.option.id: p.target for p in queries.quota_progress(db.session, survey)}
    quotas_url = url_for(".sample", survey_id=survey_id) + "#quotas"
    targets, problems = {}, []
    for option_id, option in options.items():
        raw = request.form.get(f"quota-{option_id}", "").strip()
        if raw and not (is_db_int(raw) and 0 <= int(raw) <= 1_000_000):
            problems.append(_("%(option)s: enter a whole number or leave it empty.", option=option.label))
        elif (int(raw) if raw else None) != current.get(option_id):
            targets[option] = int(raw) if raw else None
    if problems:  # nothing is saved unless every quota is a number
        for problem in problems:
            flash(problem, "error")
        return see_other(quotas_url)

    def save():
        for option, target in targets.items():
            services.set_quota(db.session, current_user, option, target)

    return act(save, success=_("Quotas saved."), then=quotas_url, refused=lambda error: see_other(quotas_url))


@bp.get("/<int:survey_id>/invitations/<int:batch>")
@permission_required(Permission.SURVEYS_MANAGE)
def print_invitations(survey_id: int, batch: int):
    """A printable sheet of one batch: each code with its link and QR code."""
    survey = _survey(survey_id)
    invitations = queries.invitations(db.session, survey, batch)
    if not invitations:
        abort(404)
    links = {i.id: public_url("surveys.answer", survey_id=survey.id, code=i.code) for i in invitations}
    return render("admin/surveys/invitations_print.html", survey=survey, batch=batch, invitations=invitations,
                  links=links, qr={i.id: qr_svg(links[i.id]) for i in invitations if i.used_at is None})


# --- telephone interviews ------------------------------------------------------------------------------

@bp.route("/<int:survey_id>/interview", methods=["GET", "POST"])
@permission_required(Permission.SURVEYS_INTERVIEW)
def interview(survey_id: int):
    """A keyboard-friendly form for entering a telephone interview; quota progress alongside."""
    survey = _survey(survey_id)
    if not survey.is_sampled:
        abort(404)
    questions = services.ordered_questions(survey)
    answers = Answers()
    submission = request.form.get("submission", "")[:64] or secrets.token_hex(16)

    def page(status: int, survey=survey):
        questions = services.ordered_questions(survey)
        return render("admin/surveys/interview.html", survey=survey, questions=questions, answers=answers,
                      submission=submission, status=status, confirm=ConfirmForm(),
                      reason=services.not_accepting_reason(survey, utcnow()),
                      numbers={q.id: n for n, q in enumerate(questions, start=1)},
                      progress=queries.quota_progress(db.session, survey),
                      respondents=queries.tallies(db.session, survey.id, [""]).get(("n", ""), 0))

    if request.method == "GET":
        return page(200)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    answers = read_answers(questions, request.form)
    if request.form.get("consent") != "yes":
        answers.form_errors.append(_("Confirm that the notice was read to the respondent and they agreed."))
    if not answers.valid:
        return page(422)
    next_call = url_for(".interview", survey_id=survey_id)
    try:
        return act(lambda: services.submit_response(
                       db.session, survey, questions, answers, channel=ResponseChannel.INTERVIEW,
                       submission_key=submission, locale=current_locale(), interviewer=current_user).id,
                   success=None, then=_saying(lambda number: _("Interview saved as response %(id)d.", id=number),
                                              next_call),
                   refused=lambda error: page(422, _survey(survey_id)))
    except services.AlreadySubmitted:  # a resent form: the first one was saved, and that is not a refusal
        db.session.rollback()
        flash(_("This interview was already saved."), "success")
        return see_other(next_call)


# --- results, exports and responses --------------------------------------------------------------------

@bp.get("/<int:survey_id>/results")
@permission_required(Permission.SURVEYS_MANAGE)
def results(survey_id: int):
    """Results with a breakdown by district or by any demographic question (htmx swaps the breakdown)."""
    survey = _survey(survey_id)
    questions = services.ordered_questions(survey)
    by_questions = [q for q in questions if q.kind.breaks_down]
    by = next((q for q in by_questions if str(q.id) == request.args.get("by", "")), None)
    breakdown = queries.breakdown(db.session, survey, by) if by else None
    return render("admin/surveys/results.html", "admin/surveys/_breakdown.html", survey=survey,
                  results=queries.survey_results(db.session, survey), by_questions=by_questions, by=by,
                  breakdown=breakdown, confirm=ConfirmForm())


@bp.route("/<int:survey_id>/export.<fmt>", methods=["GET", "POST"])
@permission_required(Permission.SURVEYS_MANAGE)
def export(survey_id: int, fmt: str):
    """The responses as CSV or XLSX: streamed at once up to SURVEY_EXPORT_BACKGROUND_ABOVE responses; above it a
    page offers to prepare the file in the background (POST), so no web worker is held for a minute."""
    survey = _survey(survey_id)
    if fmt not in survey_jobs.FORMATS:
        abort(404)
    count = survey_jobs.response_count(db.session, survey)
    if request.method == "POST" or count > current_app.config["SURVEY_EXPORT_BACKGROUND_ABOVE"]:
        return _background_export(survey, fmt, count)
    chunks = exports.csv_chunks if fmt == "csv" else exports.xlsx_chunks
    content_type = exports.CSV_CONTENT_TYPE if fmt == "csv" else exports.XLSX_MIMETYPE
    return Response(stream_with_context(chunks(db.session, survey)), content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="survey-{survey.id}-responses.{fmt}"'})


def _background_export(survey, fmt: str, count: int):
    form = ConfirmForm()
    if request.method == "GET" or not form.validate_on_submit():
        if request.method == "POST":
            abort(400)
        return render("admin/surveys/export_background.html", survey=survey, fmt=fmt, count=count, confirm=form,
                      earlier=job_queries.requested_by(db.session, current_user, survey_jobs.EXPORT,
                                                       survey_id=survey.id))

    def start():
        job = job_services.enqueue(db.session, survey_jobs.EXPORT, actor=current_user, survey_id=survey.id, fmt=fmt)
        audit.record(db.session, "surveys.export_requested", survey, after={"job": job.id, "format": fmt,
                                                                            "responses": count})
        return job

    results_url = url_for(".results", survey_id=survey.id)
    return act(start, success=_("The export is being prepared: this page shows its progress."),
               then=lambda job: url_for("jobs.status", job_id=job.id, next=results_url),
               refused=lambda error: see_other(results_url))


@bp.get("/<int:survey_id>/responses")
@permission_required(Permission.SURVEYS_MANAGE)
def responses(survey_id: int):
    survey = _survey(survey_id)
    page = paginate(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
                    .order_by(SurveyResponse.id.desc()), current_app.config["PAGE_SIZE"])
    return render("admin/surveys/responses.html", survey=survey, page=page)


@bp.route("/responses/<int:response_id>", methods=["GET", "POST"])
@permission_required(Permission.SURVEYS_MANAGE)
def response_detail(response_id: int):
    response = db.session.get(SurveyResponse, response_id) or abort(404)
    survey = _survey(response.survey_id)
    form = VoidForm()

    def page(error=None):
        return render("admin/surveys/response.html", survey=survey, response=response, form=form,
                      given=services.answers_of(response), questions=services.ordered_questions(survey),
                      status=422 if request.method == "POST" else 200)

    if not form.validate_on_submit():
        return page()
    return act(lambda: services.void_response(db.session, current_user, response, form.reason.data),
               success=_("Response voided; it no longer counts in the results."),
               then=url_for(".response_detail", response_id=response_id), refused=page, form=form)


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from app.web.nav import add_staff

    app.register_blueprint(bp)
    add_staff(app, "surveys_admin.index", _l("Surveys"), Permission.SURVEYS_MANAGE,
              _l("Build surveys, run the sample with invitation codes and quotas, see and export results."))
    add_staff(app, "surveys_admin.interviews", _l("Telephone interviews"), Permission.SURVEYS_INTERVIEW,
              _l("Enter the answers of sampled residents interviewed by telephone."))


@bp.get("/interviews")
@permission_required(Permission.SURVEYS_INTERVIEW)
def interviews():
    """The sampled surveys an interviewer can enter answers for."""
    surveys = [s for s in queries.open_surveys(db.session) if s.is_sampled]
    return render("admin/surveys/interviews.html", surveys=surveys)
