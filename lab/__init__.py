"""Heritage Living Lab: the application factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the Lab application."""
    from pathlib import Path

    from werkzeug.middleware.proxy_fix import ProxyFix

    from lab.admin import views as admin_views
    from lab.adoptions import views as adoptions_views
    from lab.auth import account_views
    from lab.auth import views as auth_views
    from lab.auth.sessions import init_sessions
    from lab.cities import cli as cities_cli
    from lab.cities import views as cities_views
    from lab.core import views as core_views
    from lab.core.database import init_database
    from lab.core.errors import register_error_pages
    from lab.core.i18n import init_i18n
    from lab.core.security import init_security_headers
    from lab.core.settings import load_config
    from lab.core.templating import init_templating
    from lab.demo import cli as demo_cli
    from lab.discussion import views as discussion_views
    from lab.events import views as events_views
    from lab.extensions import csrf, db, limiter, migrate
    from lab.home import views as home_views
    from lab.moderation import views as moderation_views
    from lab.notifications import cli as notifications_cli
    from lab.notifications import views as notifications_views
    from lab.practices import history_views as practice_history_views
    from lab.practices import list_views as practice_list_views
    from lab.practices import views as practices_views
    from lab.search import cli as search_cli
    from lab.search import views as search_views
    from lab.workspaces import document_views as workspace_document_views
    from lab.workspaces import task_views as workspace_task_views
    from lab.workspaces import views as workspaces_views

    app = Flask(__name__, instance_relative_config=True)
    load_config(app, test_config)
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1
        )

    init_database(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    init_i18n(app)
    init_sessions(app)
    init_templating(app)
    init_security_headers(app)
    register_error_pages(app)

    app.register_blueprint(core_views.bp)
    app.register_blueprint(home_views.bp)
    app.register_blueprint(cities_views.bp)
    app.register_blueprint(auth_views.bp)
    app.register_blueprint(account_views.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(practices_views.bp)
    app.register_blueprint(practice_list_views.bp)
    app.register_blueprint(practice_history_views.bp)
    app.register_blueprint(adoptions_views.bp)
    app.register_blueprint(search_views.bp)
    app.register_blueprint(discussion_views.bp)
    app.register_blueprint(moderation_views.bp)
    app.register_blueprint(notifications_views.bp)
    app.register_blueprint(workspaces_views.bp)
    app.register_blueprint(workspace_task_views.bp)
    app.register_blueprint(workspace_document_views.bp)
    app.register_blueprint(events_views.bp)
    app.cli.add_command(cities_cli.cities_group)
    app.cli.add_command(demo_cli.demo_group)
    app.cli.add_command(search_cli.search_group)
    app.cli.add_command(notifications_cli.notifications_group)
    return app
