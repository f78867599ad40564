"""The portal's application factory, in small named steps."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Callable

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import ROOT, Settings

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def create_app(settings: Settings | None = None, *, clock: Clock = utc_now,
               overrides: dict | None = None) -> Flask:
    settings = settings or Settings.from_env()
    settings.check()

    app = Flask(__name__, static_folder=str(ROOT / "static"), static_url_path="/assets",
                instance_path=str(ROOT / "instance"))
    app.config.from_mapping(settings.flask_config())
    app.config.update(overrides or {})
    app.config["PORTAL_SETTINGS"] = settings
    app.config["CLOCK"] = clock

    _configure_logging(app)
    _configure_templates(app)
    _init_extensions(app, settings)
    _init_tenancy(app, settings)
    _init_routing(app)
    _register_blueprints(app)
    _register_error_pages(app)
    _register_cli(app)
    if settings.is_production:
        _refuse_demo_accounts(app)
    if settings.trusted_proxy_addresses:
        # The client's address from X-Forwarded-For only through the proxies named.
        from portal.limits import TrustedProxies, parse_networks

        app.wsgi_app = TrustedProxies(  # type: ignore[method-assign]
            app.wsgi_app, parse_networks(settings.trusted_proxy_addresses))
    if settings.trusted_proxies:
        # With TRUSTED_PROXY_ADDRESSES set, the client's address is theirs to say (x_for=0).
        x_for = 0 if settings.trusted_proxy_addresses else settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=x_for,
                                x_proto=settings.trusted_proxies,
                                x_host=settings.trusted_proxies)  # type: ignore[method-assign]
    return app


def _refuse_demo_accounts(app: Flask) -> None:
    """Production must not start while any demo officer account exists in its database."""
    from sqlalchemy import func, select
    from sqlalchemy.exc import SQLAlchemyError

    from portal.config import UnsafeConfiguration
    from portal.extensions import db
    from portal.models import StaffUser
    from portal.tenancy import unscoped

    with app.app_context(), unscoped():
        try:
            demo = db.session.scalar(select(func.count()).select_from(StaffUser)
                                     .where(StaffUser.is_demo.is_(True)))
        except SQLAlchemyError:
            app.logger.warning("Could not check the database for demo accounts at start-up.")
            return
        finally:
            db.session.remove()
    if demo:
        raise UnsafeConfiguration([f"The database holds {demo} demo officer account(s). "
                                   "Delete them before starting in production."])


def _configure_logging(app: Flask) -> None:
    # Werkzeug's access log prints full URLs; URLs carry no personal data by design, and
    # the request log never includes query strings or bodies beyond that.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app.logger.setLevel(logging.INFO)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def _configure_templates(app: Flask) -> None:
    app.jinja_loader = ChoiceLoader([
        FileSystemLoader(str(ROOT / "templates")),
        PrefixLoader({
            "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
            "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
        }),
    ])
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.add_extension("jinja2.ext.i18n")


def _init_extensions(app: Flask, settings: Settings) -> None:
    from govuk_frontend_wtf.main import WTFormsHelpers

    from portal.extensions import babel, csrf, db, htmx, limiter, migrate
    from portal.i18n import init_i18n, select_locale
    from portal.security import init_security_headers

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    htmx.init_app(app)
    from portal.auth.sessions import init_login

    init_login(app)
    WTFormsHelpers(app)
    init_i18n(app)
    init_security_headers(app, production=settings.is_production)
    from portal.static_assets import init_static_assets

    init_static_assets(app)


def _init_routing(app: Flask) -> None:
    from portal.routing import init_routing

    init_routing(app)


def _init_tenancy(app: Flask, settings: Settings) -> None:
    from portal.directory import known_la_codes
    from portal.tenancy import init_tenancy

    init_tenancy(app, settings.tenants_dir, known_la_codes=known_la_codes())
    _init_forms(app, settings)


def _init_forms(app: Flask, settings: Settings) -> None:
    """Every council's forms, checked at start-up: a wrong definition or overlay stops it."""
    from flask_babel import format_datetime

    from forms.builder import error_list
    from forms.loader import effective_definitions, load_definitions
    from forms.registry import INPUT_ATTRIBUTES, character_count_text, macro_for, text_limit
    from portal.i18n import format_date
    from portal.tenancy import REGISTRY_KEY

    app.extensions["portal.forms"] = effective_definitions(
        load_definitions(), app.extensions[REGISTRY_KEY], settings.tenants_dir)
    app.jinja_env.globals.update(format_date=format_date, format_datetime=format_datetime,
                                 error_list=error_list, macro_for=macro_for,
                                 text_limit=text_limit, input_attributes=INPUT_ATTRIBUTES,
                                 character_count_text=character_count_text)


def _register_blueprints(app: Flask) -> None:
    from portal.auth import auth_bp
    from portal.backoffice import backoffice_bp
    from portal.public import council_bp, portal_bp

    app.register_blueprint(portal_bp)
    app.register_blueprint(council_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(backoffice_bp)
    # Cross-border notices: the pages a council not on the portal opens through its link, and
    # the platform administrator's pages (councils, the directory).
    from portal.notices import install as install_notices
    from portal.notices.public import notice_link_bp
    from portal.platform import platform_bp

    app.register_blueprint(notice_link_bp)
    app.register_blueprint(platform_bp)
    install_notices(app)
    from portal.casework.letters import register as register_letters

    register_letters()  # a letter's reply and a case's open tasks as deadlines
    from portal.casework.consent import register as register_consent

    register_consent()  # a pending consent decision (home education) as a deadline
    if not app.config["PORTAL_SETTINGS"].is_production:
        # Development only: the captured outgoing emails at /_dev/mail.
        from portal.outbox.dev import dev_mail_bp

        app.register_blueprint(dev_mail_bp)


def _register_error_pages(app: Flask) -> None:
    from portal.errors import register_error_pages

    register_error_pages(app)


def _register_cli(app: Flask) -> None:
    from portal.cli import register_cli

    register_cli(app)
