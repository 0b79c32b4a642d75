"""The entity normaliser's old address, kept so that existing imports go on working.

The code lives in :mod:`korean_nlu.entities` (the words in :mod:`korean_nlu.entities.lexicon`); this
module re-exports exactly its public names.
"""

from korean_nlu.entities import *  # noqa: F403
from korean_nlu.entities import __all__  # noqa: F401
