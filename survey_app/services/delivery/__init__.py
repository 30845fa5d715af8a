"""The delivery wing: links and reminders go out through an outbox. Public calls:

- `queue`: `configured_channels`, `queue_invitations`, `queue_reminders` (the decisions to send)
- `outbox`: `claim`, `attach_links`, `record`, `release`, `has_work` (the worker's side), `Outcome`
- `status`: `last_status_by_respondent`, `last_messages`, `delivery_failures`, `delivery_by_person`,
  `status_counts`, `batch_counts`, `latest_batch`, `stalled_channels`, `record_bounce`
- `preview`: `preview_message` (a message as one person would receive it, a placeholder for the link)
- `telegram_links`: deep links and chat bindings; `zalo_state`: the OA's tokens and quota
"""
