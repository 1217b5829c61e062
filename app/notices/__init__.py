"""Disclosure notices (信息公开): bureaus publish through review, the public finds them, feeds and sitemap."""


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from app.accounts.permissions import Permission
    from app.notices import admin_views, indicator_feed, views
    from app.web.nav import add_public, add_staff

    app.register_blueprint(views.bp)
    app.register_blueprint(views.sitemap_bp)
    app.register_blueprint(admin_views.bp)
    indicator_feed.register()
    add_public(app, "notices.index", _l("Disclosure notices"),
               _l("What the bureaus publish about the environment: monitoring, permits, penalties and policies, "
                  "searchable and with feeds."))
    add_staff(app, "notices_admin.index", _l("Disclosure notices"), Permission.NOTICES_WORK,
              _l("Write notices for your bureau, review them before publication, correct or withdraw them."))
    add_staff(app, "notices_admin.disclosure", _l("Disclosure deadlines"), Permission.NOTICES_WORK,
              _l("The catalogue items each bureau must publish: upcoming and overdue, in three colours."))
    add_staff(app, "notices_admin.catalogue", _l("Disclosure catalogue"), Permission.NOTICES_MANAGE,
              _l("What each bureau must publish every month or after an event, and by when."))
    add_staff(app, "notices_admin.categories", _l("Notice categories"), Permission.NOTICES_MANAGE,
              _l("The columns of the disclosure catalogue."))
