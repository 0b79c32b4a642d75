"""Rasa input channels of the support bot (custom Sanic blueprints).

Importing the package changes nothing in Rasa: the bounded custom actions and the strict fail-safe
tracker store are installed by our tracker store in every mode (see :mod:`rasa_runtime.patches`).
"""
