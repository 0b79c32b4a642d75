"""Everything that changes how Rasa itself behaves, and how its processes are started.

- :mod:`rasa_runtime.patches`: :func:`~rasa_runtime.patches.install` replaces Rasa's classes with ours
  (bounded custom actions, a strict fail-safe tracker store) and logs which are active; our tracker store
  calls it, so ``rasa run`` and ``rasa shell`` behave the same under faults whatever channels run.
- :mod:`rasa_runtime.remote_action`: custom action calls with a time limit, an apology on failure and
  kept-alive connections to the action server.
- :mod:`rasa_runtime.fail_safe`: a lost tracker store fails the turn instead of starting the customer over.
- :mod:`rasa_runtime.tracker_store`: the SQL tracker store ``endpoints.yml`` names, with less work per message.
- :mod:`rasa_runtime.launcher`: the one place the ``rasa run``, ``rasa shell`` and ``rasa run actions``
  command lines are written.
- :mod:`rasa_runtime.trained_models`: which trained model is the newest (the one the bot serves).

Importing the package changes nothing in Rasa and imports no Rasa module.
"""
