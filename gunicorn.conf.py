"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app`. Access log lines have tokens removed."""

import os

from gunicorn.glogging import Logger

from survey_app.logs import redact

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
timeout = 60
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
