"""The back-office, shared by the action server and the gateway (needs SQLAlchemy 1.4 or 2.x).

``schema``: every table, once. ``engine``: how to connect. ``players``: what an agent may read
about a player. ``labels``: Turkish names of the back-office's codes.
"""
