"""Rasa input channels of the support bot (custom Sanic blueprints).

Importing the package (Rasa does so when ``credentials.yml`` names one of its channels) also makes
failures answer the customer instead of silence or a fresh start:

- custom-action calls are bounded and their failures answered: see :mod:`channels.resilience`;
- a tracker store lost while running fails the turn (the channel answers with the technical-error
  message) instead of silently restarting the conversation: see :mod:`paybot.tracker_store`.
"""

from channels.resilience import install as _install_resilient_actions
from paybot.tracker_store import install_strict_fail_safe as _install_strict_fail_safe

_install_resilient_actions()
_install_strict_fail_safe()
