"""The bundle's entry point: ``vostok`` as the console script runs it (PyInstaller needs
a script, not ``-m``)."""

import sys

from vostok_desktop.__main__ import main

sys.exit(main())
