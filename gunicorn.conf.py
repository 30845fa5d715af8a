"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app`. Access log lines have tokens removed."""

import os

from gunicorn.glogging import Logger

from survey_app.logs import redact

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
timeout = 60
# Seconds a stopping worker waits for open (keep-alive) connections before it goes.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
# gunicorn 27's control socket sits at one path per user ($HOME/.gunicorn/gunicorn.ctl), so two instances
# on one server would fight over it; nothing here uses it.
control_socket_disable = True
# Which forwarded headers to believe is the application's decision (TRUSTED_PROXIES, werkzeug's ProxyFix),
# so gunicorn believes none, not even from 127.0.0.1: one setting, one place.
forwarded_allow_ips = ""


class RedactingLogger(Logger):
    """Access log without personal tokens in the request line or path."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # Every string atom: the token also sits in {path_info}e, {request_uri}e, the Referer and Location.
        for key, value in atoms.items():
            if isinstance(value, str):
                atoms[key] = redact(value)
        return atoms


logger_class = RedactingLogger
