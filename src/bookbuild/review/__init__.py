"""Reviewing what the normaliser made of a manuscript: the review page (`page.py`), the
files it is written beside (`files.py`) and the local server of `bookbuild review`
(`server.py`), through which the editor's decisions reach `<name>.fixes.yaml`."""
