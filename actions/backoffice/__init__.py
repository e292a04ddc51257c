"""The casino back-office as the action server sees it.

``db`` (engine and session factory, created lazily), ``models`` (ORM classes on the shared
schema of ``casinra_contracts.backoffice``), ``repository`` (domain-named reads and writes),
``service`` (the one way actions call it: in a worker thread, with a time-out),
``seed``/``generate`` (demo and bulk data) and ``labels`` (the bot's words for codes). Its
settings are the action server's (``actions.settings``). Importing this package performs no I/O.
"""
