"""Conversions between Seldon message payloads and the values user code sees."""
