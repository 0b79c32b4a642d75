"""Rasa input channels of the support bot (custom Sanic blueprints)."""
