"""The Telegram bot (`flask bot run`): binds a chat through the deep link, then answers question by
question with inline buttons, writing to the same draft and submit as the web page.

Composition root: `build_application`. Handlers are thin and async; every database call runs in a
worker thread inside the Flask app context (`_db`). Answers live in the application's database,
never in the bot's own state.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass

os.environ.setdefault("PTB_TIMEDELTA", "true")  # opt in to timedelta durations (no deprecation warnings)

from flask import Flask  # noqa: E402
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update  # noqa: E402
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes  # noqa: E402
from telegram.request import BaseRequest  # noqa: E402

from survey_app.services.delivery import telegram_links
from survey_app.services.survey import invitations, mixing, refusals, responding  # noqa: E402

from . import texts  # noqa: E402
from .telegram_send import keyboard  # noqa: E402

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    text: str
    markup: InlineKeyboardMarkup | None = None


def build_application(
    flask_app: Flask, request: BaseRequest | None = None, updates_request: BaseRequest | None = None
) -> Application:
    """One place builds the bot and registers the handlers (deep-link /start before plain /start)."""
    cfg = flask_app.config
    builder = Application.builder().token(cfg["TELEGRAM_BOT_TOKEN"]).base_url(cfg["TELEGRAM_BASE_URL"])
    if request is not None:
        builder = builder.request(request).get_updates_request(updates_request or request).updater(None)
    application = builder.build()
    application.bot_data["flask"] = flask_app
    application.add_handler(CommandHandler("start", start_with_code, has_args=True))  # 1. deep link
    application.add_handler(CommandHandler("start", start_plain))  # 2. plain /start
    application.add_handler(CallbackQueryHandler(on_button))  # 3. inline buttons
    application.add_error_handler(on_error)
    return application


async def _db(context: ContextTypes.DEFAULT_TYPE, fn, *args):
    """Run blocking database work in a thread, inside the app context."""
    flask_app: Flask = context.bot_data["flask"]

    def call():
        with flask_app.app_context():
            return fn(*args)

    return await asyncio.to_thread(call)


async def start_with_code(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/start <code>` from the deep link: bind this chat to the invitation."""
    reply = await _db(context, _bind, context.args[0], update.effective_chat.id)
    await update.effective_message.reply_text(reply.text, reply_markup=reply.markup)


async def start_plain(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Plain `/start`: explain how to bind."""
    await update.effective_message.reply_text(texts.WELCOME)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """'go', 'a:<section>:<question>:<option>' or 'submit'."""
    query = update.callback_query
    await query.answer()
    reply = await _db(context, _press, update.effective_chat.id, query.data or "")
    await query.edit_message_text(reply.text, reply_markup=reply.markup)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log (never the update's content: it may hold answers) and tell the person to retry."""
    log.error("telegram bot: %s: %s", type(context.error).__name__, context.error)
    if isinstance(update, Update) and update.effective_chat:
        await context.bot.send_message(update.effective_chat.id, texts.ERROR)


def _bind(code: str, chat_id: int) -> Reply:
    try:
        invitation = telegram_links.bind_chat(code, chat_id)
    except telegram_links.BindingRefused as exc:
        return Reply(texts.REFUSED[exc.reason])
    link = invitations.link_for(invitation)
    return Reply(texts.BOUND.format(name=invitation.respondent.full_name), keyboard(link))


def _press(chat_id: int, data: str) -> Reply:
    invitation = telegram_links.invitation_for_chat(chat_id)
    if invitation is None:
        return Reply(texts.NOT_BOUND)
    token = invitations.derive_token(invitation.campaign_id, invitation.nonce)
    try:
        if data.startswith("a:"):
            _, section, question, option = data.split(":", 3)
            q = responding.open_questionnaire(token)
            unit = q.sections[int(section)].unit.code
            responding.save_answers(token, {unit: {question: option}})
        elif data == "submit":
            q = responding.submit(token)
            mixing.mix(q.campaign)  # its own transaction, after the submission is stored
            return Reply(texts.THANKS)
        return _next_question(token)
    except refusals.AlreadySubmitted:
        return Reply(texts.ALREADY)
    except (refusals.Gone, refusals.NotOpen, refusals.UnknownLink) as exc:
        return Reply(texts.GONE[exc.code])
    except (refusals.InvalidAnswers, ValueError, IndexError):
        return _next_question(token)


def _next_question(token: str) -> Reply:
    """The first unanswered question with one button per option, or the submit button."""
    q = responding.open_questionnaire(token)
    if q.submitted:
        return Reply(texts.ALREADY)
    n = 0
    for si, section in enumerate(q.sections):
        for question in section.questions:
            n += 1
            if q.answer(section.unit.code, question.code):
                continue
            scale = q.pack.scale_by_code[question.scale]
            buttons = [
                [InlineKeyboardButton(o.label, callback_data=f"a:{si}:{question.code}:{o.code}")] for o in scale.options
            ]
            unit = f" · {section.unit.name}" if q.group.is_matrix else ""
            text = texts.QUESTION.format(n=n, total=q.total, unit=unit, text=question.text)
            return Reply(text, InlineKeyboardMarkup(buttons))
    return Reply(
        texts.ALL_ANSWERED.format(total=q.total),
        InlineKeyboardMarkup([[InlineKeyboardButton(texts.SUBMIT, callback_data="submit")]]),
    )
