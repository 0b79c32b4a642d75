"""Rasa input channels of the support bot (custom Sanic blueprints).

Importing the package (Rasa does so when ``credentials.yml`` names one of its channels) also bounds
custom-action calls and makes their failures answer the customer: see :mod:`channels.resilience`.
"""

from channels.resilience import install as _install_resilient_actions

_install_resilient_actions()
