"""Roles and the permission catalogue: which role may do what. Pure data, no Flask."""
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from app.enums import TitledEnum


class Role(TitledEnum):
    ADMIN = "admin", _l("Administrator (ecological civilization office)")
    BUREAU_EDITOR = "bureau_editor", _l("Bureau editor")
    TIP_HANDLER = "tip_handler", _l("Tip handler")
    REVIEWER = "reviewer", _l("Reviewer")
    INTERVIEWER = "interviewer", _l("Survey interviewer")
    # 政府信息公开工作机构负责人: approves extensions (条例 art. 33)
    DISCLOSURE_HEAD = "disclosure_head", _l("Head of the bureau's information disclosure office")
    # Staff of a registered organisation (社会组织, 志愿者协会, school, enterprise) that runs its own activities.
    ORGANISATION_ORGANISER = "organisation_organiser", _l("Organiser of a registered organisation")

    @property
    def needs_bureau(self) -> bool:
        return self in BUREAU_ROLES

    @property
    def needs_organisation(self) -> bool:
        return self in ORGANISATION_ROLES


# Roles whose holder acts for exactly one bureau and sees only that bureau's objects.
BUREAU_ROLES = frozenset({Role.BUREAU_EDITOR, Role.TIP_HANDLER, Role.DISCLOSURE_HEAD})
# Roles whose holder acts for exactly one registered organisation and sees only that organisation's activities.
ORGANISATION_ROLES = frozenset({Role.ORGANISATION_ORGANISER})


class Permission(StrEnum):
    STAFF_AREA = "staff.enter"
    USERS_MANAGE = "accounts.manage"
    ORG_MANAGE = "org.manage"
    AUDIT_VIEW = "audit.view"
    INDICATORS_EDIT = "indicators.edit"
    INDICATORS_REVIEW = "indicators.review"
    INDICATORS_BOARD = "indicators.board"
    INDICATORS_PRECONDITIONS = "indicators.preconditions"  # the 基本条件 checklist: the office (admins)
    SURVEYS_MANAGE = "surveys.manage"
    SURVEYS_INTERVIEW = "surveys.interview"
    TIPS_HANDLE = "tips.handle"
    TIPS_SUPERVISE = "tips.supervise"
    CALENDAR_MANAGE = "calendar.manage"
    OPEN311_MANAGE = "open311.manage"
    DISCLOSURE_HANDLE = "disclosure.handle"
    # Extending an answer's deadline needs the disclosure office head's approval (条例 art. 33).
    DISCLOSURE_APPROVE_EXTENSION = "disclosure.approve_extension"
    NOTICES_WORK = "notices.work"      # open the notices back office (editors, reviewers)
    NOTICES_EDIT = "notices.edit"      # write, correct and withdraw the own bureau's notices
    NOTICES_REVIEW = "notices.review"  # approve or return notices written by others
    NOTICES_MANAGE = "notices.manage"  # the category tree and the disclosure catalogue
    # Monitoring sites and their data (air, water, drinking-water sources) of the own bureau.
    ENVIRONMENT_EDIT = "environment.edit"
    # Activities, open days and consultations of the own bureau: organise, check in, confirm hours, answer.
    PARTICIPATION_ORGANISE = "participation.organise"
    # Moderating suggestions, assigning standing ones to bureaus, the participation figures: the office.
    PARTICIPATION_MODERATE = "participation.moderate"
    # The rectification ledger: report progress and apply for closure of the own bureau's tasks (lead unit).
    RECTIFICATION_REPORT = "rectification.report"
    # Rounds and tasks, reviews, acceptance, notices, objections, closure and reopening: the office.
    RECTIFICATION_MANAGE = "rectification.manage"
    # Activities of the own bureau or registered organisation: create, publish, check in, close, confirm hours.
    PARTICIPATION_ACTIVITIES = "participation.activities"
    # Registering organisations, suspending and reinstating them: the office.
    PARTICIPATION_ORGANISATIONS = "participation.organisations"
    # Background jobs: every job's state, the dead letters with their errors, retry and discard: the office.
    JOBS_MANAGE = "jobs.manage"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.BUREAU_EDITOR: frozenset({Permission.STAFF_AREA, Permission.INDICATORS_EDIT, Permission.DISCLOSURE_HANDLE}),
    Role.TIP_HANDLER: frozenset({Permission.STAFF_AREA, Permission.TIPS_HANDLE}),
    Role.REVIEWER: frozenset({Permission.STAFF_AREA, Permission.INDICATORS_REVIEW}),
    Role.INTERVIEWER: frozenset({Permission.STAFF_AREA, Permission.SURVEYS_INTERVIEW}),
    Role.DISCLOSURE_HEAD: frozenset({Permission.STAFF_AREA, Permission.DISCLOSURE_HANDLE,
                                     Permission.DISCLOSURE_APPROVE_EXTENSION}),
}

# Disclosure notices: bureau editors write their bureau's notices, reviewers review them (admins hold every permission).
ROLE_PERMISSIONS[Role.BUREAU_EDITOR] |= {Permission.NOTICES_WORK, Permission.NOTICES_EDIT}
ROLE_PERMISSIONS[Role.REVIEWER] |= {Permission.NOTICES_WORK, Permission.NOTICES_REVIEW}
# Environmental monitoring data: the editors of the bureau that runs the sites (the environment bureau).
ROLE_PERMISSIONS[Role.BUREAU_EDITOR] |= {Permission.STAFF_AREA, Permission.ENVIRONMENT_EDIT}
# Participation: bureau editors organise their bureau's activities, open days and consultations and answer its
# suggestions; moderation is the office's (admins hold every permission).
ROLE_PERMISSIONS[Role.BUREAU_EDITOR] |= {Permission.PARTICIPATION_ORGANISE, Permission.PARTICIPATION_ACTIVITIES}
# The rectification ledger: bureau editors report on and apply to close their bureau's tasks; the office (admins)
# manages the ledger.
ROLE_PERMISSIONS[Role.BUREAU_EDITOR] |= {Permission.RECTIFICATION_REPORT}
# A registered organisation's organisers run their organisation's activities and nothing else of the bureaus'.
ROLE_PERMISSIONS[Role.ORGANISATION_ORGANISER] = frozenset({Permission.STAFF_AREA, Permission.PARTICIPATION_ACTIVITIES})


def role_has(role: Role | str, permission: Permission) -> bool:
    """Whether holders of role are granted permission."""
    return permission in ROLE_PERMISSIONS.get(Role(role), frozenset())
