"""WeasyPrint's C declarations parsed once, at setup, not in every process (speed only).

`weasyprint.text.ffi` declares the Pango, HarfBuzz, fontconfig and GObject functions that
WeasyPrint calls by handing their C declarations to cffi, which parses them with
pycparser at every import: 0.26 s of the 0.65 s of CPU that importing WeasyPrint costs,
in each process a build starts (two workers and the join's, or a rebuild's one). cffi can
write parsed declarations out as a module that loads in milliseconds (its out-of-line ABI
mode). `main()`, run by scripts/setup.sh, writes that module into the environment's
site-packages, from the declarations of the installed WeasyPrint and fontshare's two
(HARFBUZZ_FILE_API), with the digest of what it was made from.

`register_finder()`, run when bookbuild is imported, puts a finder on `sys.meta_path`: when
`weasyprint.text.ffi` is imported next, its source runs as WeasyPrint ships it but with
the prebuilt FFI where the declarations were parsed (on as many lines, so that tracebacks
and the patches' source digests still read WeasyPrint's file). When the module is absent,
was made from other declarations or by another cffi, or fails to load, the import goes the
usual way: nothing but the time changes.
"""

from __future__ import annotations

# Imported when bookbuild is: only what registering the finder needs, which Python has
# loaded already (the rest, inside the functions that use it, costs a command that never
# imports WeasyPrint nothing).
import os
import sys
from functools import cache

TARGET = "weasyprint.text.ffi"
MODULE = "_bookbuild_weasyprint_ffi"
# `ffi = cffi.FFI()` and `ffi.cdef('''…''')`, as WeasyPrint 70 writes them
DECLARATIONS = r"^ffi = cffi\.FFI\(\)\nffi\.cdef\('''(.*?)'''\)\n"
# HarfBuzz's functions to open a font file, which WeasyPrint does not declare
# (editions/fontshare.py)
HARFBUZZ_FILE_API = """
    hb_blob_t * hb_blob_create_from_file_or_fail (const char *file_name);
    hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);
"""


@cache
def declarations_re():
    import re

    return re.compile(DECLARATIONS, re.DOTALL | re.MULTILINE)


def declarations_digest(declarations: str) -> str:
    import hashlib

    import _cffi_backend  # type: ignore[import-untyped]

    made_from = f"{declarations}\n{HARFBUZZ_FILE_API}\n{_cffi_backend.__version__}"
    return hashlib.sha256(made_from.encode()).hexdigest()[:16]


def prebuilt_source(source: str) -> str | None:
    """WeasyPrint's `text/ffi.py` with the prebuilt FFI in place of the parse (as many
    lines), or None if the prebuilt module was not made from these declarations."""
    import importlib

    found = declarations_re().search(source)
    if found is None:
        return None
    try:
        module = importlib.import_module(MODULE)
    except Exception:  # noqa: BLE001 (absent, or written by another cffi: parse as usual)
        return None
    if getattr(module, "DECLARATIONS_DIGEST", None) != declarations_digest(found[1]):
        return None
    replacement = f"from {MODULE} import ffi" + "\n" * found[0].count("\n")
    return source[:found.start()] + replacement + source[found.end():]


class _Loader:
    """Runs the rewritten source as the module (importlib's Loader protocol)."""

    def __init__(self, origin: str, source: str):
        self.origin, self.source = origin, source

    def create_module(self, spec):
        return None

    def exec_module(self, module) -> None:
        exec(compile(self.source, self.origin, "exec"), module.__dict__)  # noqa: S102


class _Finder:
    """Finds `weasyprint.text.ffi` once (importlib's MetaPathFinder protocol)."""

    def find_spec(self, name, path, target=None):
        if name != TARGET:
            return None
        import importlib.machinery
        import importlib.util

        sys.meta_path.remove(self)  # once: the first import decides, either way
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None or not isinstance(
                spec.loader, importlib.machinery.SourceFileLoader):
            return spec
        with open(spec.origin, encoding="utf-8") as file:
            source = prebuilt_source(file.read())
        if source is None:
            return spec
        return importlib.util.spec_from_file_location(name, spec.origin,
                                                      loader=_Loader(spec.origin, source))


def register_finder() -> None:
    """The finder, unless WeasyPrint's FFI is imported already (idempotent)."""
    if TARGET not in sys.modules and not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


def in_use() -> bool:
    """Whether this process's WeasyPrint runs on the prebuilt FFI."""
    module = sys.modules.get(TARGET)
    return module is not None and type(module.ffi).__module__ == "_cffi_backend"


def write(into: str | os.PathLike[str]) -> bool:
    """The prebuilt module in the folder `into` for the installed WeasyPrint, unless it is
    there already (True if written). Written atomically (fsutil.write_atomic)."""
    import contextlib
    import importlib.util
    import io
    import tempfile
    from pathlib import Path

    import cffi

    from bookbuild.fsutil import write_atomic

    package = importlib.util.find_spec("weasyprint")  # found, not imported
    assert package is not None and package.origin is not None
    source = Path(package.origin).parent / "text" / "ffi.py"
    found = declarations_re().search(source.read_text(encoding="utf-8"))
    if found is None:
        raise SystemExit(f"prebuilt_ffi: no declarations found in {source}: WeasyPrint "
                         "changed; its import will parse them as usual")
    digest = declarations_digest(found[1])
    target = Path(into) / f"{MODULE}.py"
    if target.exists() and f"DECLARATIONS_DIGEST = {digest!r}" in target.read_text("utf-8"):
        return False
    builder = cffi.FFI()
    builder.cdef(found[1])
    builder.cdef(HARFBUZZ_FILE_API)
    builder.set_source(MODULE, None)
    with tempfile.TemporaryDirectory() as folder, \
            contextlib.redirect_stdout(io.StringIO()):  # cffi says "generating <file>"
        emitted = Path(folder) / target.name
        builder.emit_python_code(str(emitted))
        code = emitted.read_text(encoding="utf-8")
    write_atomic(target, f"{code}\n# bookbuild.typeset.prebuilt_ffi: what it was made from\n"
                         f"DECLARATIONS_DIGEST = {digest!r}\n")
    return True


def main() -> None:
    """scripts/setup.sh: the module for this environment's WeasyPrint and cffi."""
    import sysconfig
    from pathlib import Path

    site = Path(sysconfig.get_path("purelib"))
    if write(site):
        print(f"setup: wrote WeasyPrint's prebuilt C declarations, {site / MODULE}.py")
