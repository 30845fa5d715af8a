"""Delivery channels behind one interface (email, Zalo, Telegram) and the printed letters.

`base.Channel` is the interface the worker (`bots.worker`) drives: it opens a session per batch
and sends one claimed outbox message at a time, answering with a `services.outbox.Outcome`.
Dependency direction: bots → survey_app.services; nothing in survey_app imports from here except
the CLI commands that start a worker, a bot or a print run.
"""
