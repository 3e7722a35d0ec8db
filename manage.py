#!/usr/bin/env python
"""Django's manage.py; the installed ``shian`` command does the same."""

from shian.cli import main

if __name__ == "__main__":
    main()
