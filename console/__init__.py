"""The support-team console: a small Sanic web app for support staff (docs/console.md).

Sign-in with roles (:mod:`console.users`, :mod:`console.auth`), the conversations and the dashboard read
from the tracker store (:mod:`console.conversations`, :mod:`console.stats`), and teaching through the
trainer's checks (:mod:`console.teach`). :func:`console.app.create_app` builds the web app.
"""
