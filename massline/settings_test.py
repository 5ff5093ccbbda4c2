"""Settings of the test suite: development mode (no production key needed, cookies over the
test client's plain HTTP), DEBUG off as in production. Production's refusals and deploy check
are tested in subprocesses with massline.settings itself."""

import os

os.environ["MASSLINE_DEV"] = "1"

from massline.settings import *  # noqa: F403
