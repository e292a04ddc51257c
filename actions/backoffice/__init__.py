"""The casino back-office as the action server sees it.

``settings`` (typed configuration from the environment), ``db`` (engine and
session factory, created lazily), ``models`` (the schema), ``repository``
(domain-named reads and writes), ``seed``/``generate`` (demo and bulk data) and
``formatting`` (Turkish money and date text).  Importing this package performs
no I/O.
"""
