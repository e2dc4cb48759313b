"""Text in: bytes → the original text (`decode`), then normalised text with an offset map back
to it (`normalize`, with the site's furniture set aside by `furniture` and garbled numbering
repaired by `enumerators`)."""
