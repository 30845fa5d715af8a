"""Every write and use case; one public call is one transaction. Three wings and the shared rooms:

- `survey/`: the survey itself: packs → campaigns, roster, personal links, answering, tallies, close
  and review (`from .survey import campaigns, roster, …`).
- `delivery/`: sending links and reminders through the outbox: decisions (`queue`), the worker's
  side (`outbox`), delivery status, the channels' state (Zalo tokens, Telegram chats).
- `index/`: the index after the survey: appraisal and satisfaction imports, last year, the index
  read model (`build_index`), the statistics step.
- shared: `audit` (the log), `users` (accounts), `tabular` (reading CSV/XLSX files), `messages` (the
  editable message templates), and `monitoring` on top (the live figures, reading survey and delivery).

Direction: delivery and index may use survey; survey uses neither; the shared rooms below the wings use
no wing; `monitoring` may use survey and delivery. Nothing here imports a page, the API, the CLI or
`bots`. Services raise `survey_app.errors` with codes; they never write sentences.
"""
