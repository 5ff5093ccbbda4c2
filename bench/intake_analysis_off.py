"""Settings of bench/intake.py's comparison phase: the same site with no analysis enqueued
after intake (opinion registers no after-intake callback)."""

from massline.settings import *  # noqa: F403

OPINION_ON_INTAKE = False
