"""bookbuild: raw Japanese manuscripts in, a typeset print edition out."""

__version__ = "0.1.0"
