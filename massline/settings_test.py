"""Settings of the test suite: the development configuration (no production key needed,
cookies over the test client's plain HTTP); pytest-django still runs each test with DEBUG off.
Production refusals are tested in subprocesses with massline.settings itself."""

import os

os.environ["DEBUG"] = "1"

from massline.settings import *  # noqa: F403
