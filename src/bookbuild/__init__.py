"""bookbuild: raw Japanese manuscripts in, a typeset print edition out."""

__version__ = "0.1.0"

# WeasyPrint's C declarations from the module setup wrote, not parsed again in every process
# that imports WeasyPrint (typeset/prebuilt_ffi.py; speed only).
from bookbuild.typeset import prebuilt_ffi as _prebuilt_ffi  # noqa: E402

_prebuilt_ffi.register_finder()
