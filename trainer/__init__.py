"""Tools for the people who teach the bot: add examples safely, check, retrain, compare, label real messages.

Run ``python -m trainer --help`` (or the ``make trainer-*`` targets); see docs/trainer.md.
"""
