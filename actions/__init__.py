"""The action server: one module per topic, the back-office repository (`actions.backoffice`)
and the guard that lets only Rasa in (`actions.server`, a rasa_sdk plugin)."""
from rasa_sdk.plugin import plugin_manager

from actions import server as _server

if not plugin_manager().is_registered(_server):
    plugin_manager().register(_server)
