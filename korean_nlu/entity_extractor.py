"""The entity extractor's old address, named in ``config.yml``; the code is in the entities package.

Rasa finds the component by its class name, registered once by
:mod:`korean_nlu.entities.extractor`; this module only re-exports the class so that
``korean_nlu.entity_extractor.KoreanEntityExtractor`` (``config.yml``, trained models) resolves.
"""

from korean_nlu.entities.extractor import KoreanEntityExtractor

__all__ = ["KoreanEntityExtractor"]
