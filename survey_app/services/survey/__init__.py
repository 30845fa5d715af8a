"""The survey wing. Public calls:

- `campaigns`: `get_campaign`, `create_campaign`, `open_campaign`, `extend_deadline`, `accepting_answers`,
  `shipped_packs`, `shipped_pack_dir`
- `roster`: `plan_units`, `plan_respondents` (the preview), `import_units`, `import_respondents`
- `people`: `list_people`, `get_person`, `add_person`, `correct_person`, `remove_person`, `unit_rosters`,
  `roster_codes`; `roster_checks`: the checks every row and form goes through
- `invitations`: `issue_invitations`, `reissue_invitation`, `link_for`, `links_export`, `export_links`;
  `links`: `find`, `read` (a token's invitation, respondent, unit and campaign as plain values)
- `responding`: `open_questionnaire`, `save_answers`, `submit` (refusals: `Refused` and its kinds)
- `tallies`: `add_response`, `bump_progress`, `rebuild_tallies`, `snapshot`
- `scores`: `unit_scores`, `tally_rows`
- `mixing`: `mix`, `mix_all` (sealed submissions into the counts, k per cell), `restamp`, `compact`;
  `sealing`: the drafts' and submissions' encryption
- `closing`: `close_and_validate`, `preview_close` (the same rules, nothing written)
- `review`: `exclude_response`, `restore_response`, `review_list`
- `demo`: `load_demo`
"""
