"""Who may do what with indicator values, in one place for the views, the services and the imports."""
from app.accounts.permissions import Permission
from app.indicators.models import Indicator


def can_edit(user, indicator: Indicator) -> bool:
    """The office (which oversees every bureau's indicators on the board) edits every entered indicator; a bureau
    editor only those their bureau leads. Computed indicators are nobody's to edit."""
    if indicator.is_computed or not user.can(Permission.INDICATORS_EDIT):
        return False
    return user.can(Permission.INDICATORS_BOARD) or indicator.lead_bureau_id == user.bureau_id


def can_review(user) -> bool:
    """Reviewers (and the office) approve or return submitted values."""
    return user.can(Permission.INDICATORS_REVIEW)


def can_edit_measure(user, measure) -> bool:
    """As can_edit for the measure's indicator, except that a measure this site computes by itself (indicator 7's
    优良天数比例) is nobody's to edit, while the target the higher authority set for it is entered as usual."""
    return not measure.is_computed and can_edit(user, measure.indicator)
