"""`python -m bookbuild`: the same command as `bookbuild`."""

from bookbuild.cli import main

main()
