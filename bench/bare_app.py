"""The baseline for bench/submit.py: a bare Flask app with one JSON endpoint, served by the same gunicorn setup."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/ping")
def ping():
    return jsonify(ok=True)
