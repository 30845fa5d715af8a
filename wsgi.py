"""The only module-level app: `gunicorn wsgi:app`, and `flask` finds it."""

from dotenv import load_dotenv

load_dotenv()

from survey_app import create_app  # noqa: E402

app = create_app(check_database=True)  # unreachable or unmigrated: stop, saying `flask db upgrade`
