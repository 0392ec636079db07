"""Servers as local processes, for machines without Docker."""
