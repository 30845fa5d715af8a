"""The survey wing. Public calls:

- `campaigns`: `get_campaign`, `create_campaign`, `open_campaign`, `extend_deadline`, `accepting_answers`,
  `shipped_packs`, `shipped_pack_dir`
- `roster`: `import_units`, `import_respondents`
- `invitations`: `issue_invitations`, `reissue_invitation`, `resolve`, `link_for`, `export_links`
- `responding`: `open_questionnaire`, `save_answers`, `submit` (refusals: `Refused` and its kinds)
- `tallies`: `add_response`, `bump_progress`, `rebuild_tallies`, `snapshot`
- `scores`: `unit_scores`, `tally_rows`
- `closing`: `close_and_validate`, `preview_close` (the same rules, nothing written)
- `review`: `exclude_response`, `restore_response`, `review_list`
- `demo`: `load_demo`
"""
