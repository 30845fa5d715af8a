"""The survey platform's Flask application factory."""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import db_setup, logs, rate_limits
from .config import Config
from .extensions import csrf, db, login_manager, migrate


def create_app(config: Config | None = None, check_database: bool = False) -> Flask:
    """Build the application; nothing happens at import time. With `check_database` (wsgi.py: gunicorn
    and the `flask` commands) the start stops when the database is unreachable or not migrated."""
    app = Flask(__name__, instance_relative_config=True)
    config = config or Config()
    config.check()
    app.config.from_object(config)
    logs.configure(app.config["LOG_LEVEL"])
    if hops := app.config["TRUSTED_PROXIES"]:
        # The client address (rate limits) and the scheme come from the last `hops` proxies' headers;
        # the Host header is the proxy's to pass on (proxy_set_header Host $host).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    rate_limits.init_app(app)
    db_setup.init_app(app)

    from . import models  # noqa: F401  (register tables)
    from .admin import bp as admin_bp
    from .api import bp as api_bp
    from .index_admin import bp as index_bp
    from .respond import bp as respond_bp

    app.register_blueprint(respond_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(index_bp)
    csrf.exempt(api_bp)  # the JSON API is addressed by token or bearer header, never by cookie

    from . import auth, cli, filters, security

    cli.init_app(app)
    filters.init_app(app)
    security.init_app(app)
    auth.init_app(app)
    if check_database:
        db_setup.check_on_start(app)
    return app
