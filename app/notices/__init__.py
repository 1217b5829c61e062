"""Disclosure notices (信息公开): bureaus publish through review, the public finds them, feeds and sitemap."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.notices import admin_views, views
    from app.web.nav import add_public, add_staff

    app.register_blueprint(views.bp)
    app.register_blueprint(views.sitemap_bp)
    app.register_blueprint(admin_views.bp)
    add_public(app, "notices.index", _l("Disclosure notices"),
               _l("What the bureaus publish about the environment: monitoring, permits, penalties and policies, "
                  "searchable and with feeds."))
    add_staff(app, "notices_admin.index", _l("Disclosure notices"), Permission.NOTICES_WORK,
              _l("Write notices for your bureau, review them before publication, correct or withdraw them."))
    add_staff(app, "notices_admin.categories", _l("Notice categories"), Permission.NOTICES_MANAGE,
              _l("The columns of the disclosure catalogue."))
