"""`python -m bot.serve run …`: `rasa run`, except that a model pulled from the model server is
loaded in a worker thread while the old one keeps answering.

Rasa 3.6 loads a pulled model inside its event loop (`rasa.core.agent._update_model_from_server` →
`Agent.load_model`): with the full model that blocks every request of the replica for tens of
seconds, so the gateway's turns would time out during a promotion. Here the download stays async,
the new `MessageProcessor` is built in a thread, and the agent switches to it in one assignment
between two requests — the same fields `Agent.load_model` sets, in the same order. Everything else
is Rasa's own command line.
"""
from __future__ import annotations

import asyncio
import functools
import logging
import sys

logger = logging.getLogger("bot.serve")


async def update_model_from_server(model_server, agent) -> None:  # type: ignore[no-untyped-def]
    """Rasa's `_update_model_from_server`, with the model loaded off the event loop."""
    import aiohttp
    from rasa.core import agent as rasa_agent
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.core.processor import MessageProcessor
    from rasa.nlu.utils import is_url
    from rasa.utils.common import TempDirectoryPath, get_temp_dir_name

    if not is_url(model_server.url):
        raise aiohttp.InvalidURL(model_server.url)
    with TempDirectoryPath(get_temp_dir_name()) as directory:
        try:
            fingerprint = await rasa_agent._pull_model_and_fingerprint(model_server, agent.fingerprint, directory)
            if not fingerprint:
                logger.debug("No new model at %s", model_server.url)
                return
            logger.info("Loading the pulled model %s in the background", fingerprint)
            build = functools.partial(
                MessageProcessor, model_path=directory, tracker_store=agent.tracker_store,
                lock_store=agent.lock_store, action_endpoint=agent.action_endpoint, generator=agent.nlg,
                http_interpreter=agent.http_interpreter,
            )
            processor = await asyncio.get_running_loop().run_in_executor(None, build)
            agent.processor = processor
            agent.domain = processor.domain
            agent._set_fingerprint(fingerprint)
            agent.tracker_store.domain = agent.domain
            if isinstance(agent.nlg, TemplatedNaturalLanguageGenerator):
                agent.nlg.responses = agent.domain.responses if agent.domain else {}
            logger.info("Now serving the pulled model %s", fingerprint)
        except Exception:  # Rasa's behaviour: keep the loaded model, try again at the next pull
            logger.exception("Failed to update model. The previous model will stay loaded instead.")


def install() -> None:
    """Replace Rasa's model update (looked up by name at every pull) with ours."""
    from rasa.core import agent as rasa_agent

    rasa_agent._update_model_from_server = update_model_from_server
    logger.setLevel(logging.INFO)  # Rasa sets levels for its own loggers only


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
