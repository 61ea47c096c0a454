"""Caches, hashed one way (digests.py): the book's output reused when no input changed
(outputs.py, through a sidecar beside it) and the print edition's laid-out parts kept by
what each is made of (partstore.py).

Light: the command line consults it before importing WeasyPrint, so that an up-to-date
build answers in a fraction of a second.
"""

from bookbuild.cache.digests import (
    environment_digest,
    fields_digest,
    files_digest,
    input_files,
    inputs_digest,
    resource_files,
)
from bookbuild.cache.outputs import cached_or_build, lookup, sidecar_path, store
from bookbuild.cache.partstore import PartStore, Stored

__all__ = ["PartStore", "Stored", "cached_or_build", "environment_digest", "fields_digest",
           "files_digest", "input_files", "inputs_digest", "lookup", "resource_files",
           "sidecar_path", "store"]
