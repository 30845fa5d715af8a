"""The delivery wing: links and reminders go out through an outbox. Public calls:

- `queue`: `configured_channels`, `queue_invitations`, `queue_reminders` (the decisions to send)
- `outbox`: `claim`, `attach_links`, `record`, `release`, `has_work` (the worker's side), `Outcome`
- `status`: `last_status_by_respondent`, `delivery_failures`, `status_counts`, `record_bounce`
- `telegram_links`: deep links and chat bindings; `zalo_state`: the OA's tokens and quota
"""
