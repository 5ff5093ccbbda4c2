"""Shared pieces: working-day calendar, masking of personal data."""
