"""Analyses of a parsed corpus for the notebooks: propagation tables (`propagation`) and the
figures with their computed captions (`figures`, `python -m policynlp.analysis.figures OUT`)."""
