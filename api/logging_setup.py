"""Quiet, text-free logs: Rasa's debug logs include message text, so they stay off."""
import logging

from rasa.utils.log_utils import configure_structlog


def configure(level: int = logging.INFO) -> None:
    configure_structlog(logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.WARNING)
    logging.getLogger("api").setLevel(level)
