"""policynlp: Chinese government policy notices as structured, traceable data.

    import policynlp
    doc = policynlp.parse(text)          # -> Document (spans index `text`)
    aln = policynlp.align(child, parent) # -> Alignment
    nlp = policynlp.load()               # the spaCy pipeline behind parse()
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["parse", "load", "align", "Document", "Alignment", "InputError", "__version__"]

from .errors import InputError

if TYPE_CHECKING:
    from .mapping import Alignment
    from .document import Document


def parse(text: str, id: str = "document", **kwargs: Any) -> "Document":
    """Parse a notice's text (or HTML) into a Document."""
    from .api import parse as _parse

    return _parse(text, id, **kwargs)


def load(model: Any = None, **kwargs: Any):
    """The spaCy `Language` behind parse(); `model` is a directory written by `policynlp train`."""
    from .api import load as _load

    return _load(model, **kwargs)


def align(child: "Document", parent: "Document", **kwargs: Any) -> "Alignment":
    """Align a local plan's items with the parent plan's items they implement."""
    from .mapping import align as _align

    return _align(child, parent, **kwargs)


def __getattr__(name: str) -> Any:
    if name == "Document":
        from .document import Document

        return Document
    if name == "Alignment":
        from .mapping import Alignment

        return Alignment
    raise AttributeError(name)
