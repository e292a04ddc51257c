"""The content team's kit: review inbox, edits as Git commits, validation, training, evaluation.

`python -m bot --help` lists the commands (Turkish and English). The gateway's content page runs
the same commands (`casinra_handoff.routes_content`), so the page and the terminal give the same
answers. Modules: `project` (where the files are, examples and answers with their lines),
`checks` (validation), `training`, `evaluation` and `report` (candidate beside the live model),
`inbox` (stored conversations → groups to review), `workspace` (the Git branch in its own
worktree), `journeys` (the conversation journeys against a stack serving a model), `cli`.
"""
