"""Login loading and the permission decorators every staff route uses."""
from functools import wraps

from flask import abort, request
from flask_login import current_user

from app import audit
from app.accounts.models import User
from app.extensions import db, login_manager


@login_manager.user_loader
def load_user(session_id: str):
    """Session ids are '<user id>:<session version>', so a password change ends older sessions."""
    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def deny(action: str = "access.denied", obj=None, note: str = ""):
    """Audit a refused privileged attempt, then answer 403."""
    audit.record(db.session, action, obj, note=note or f"{request.method} {request.path}",
                 object_type=None if obj is not None else "route",
                 object_id=None if obj is not None else request.endpoint)
    db.session.commit()
    abort(403)


def permission_required(permission):
    """Staff route guard: anonymous users go to the login page, staff without the permission get 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.can(permission):
                deny()
            return view(*args, **kwargs)
        wrapped.required_permission = permission
        return wrapped
    return decorator
