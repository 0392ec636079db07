"""Servers in Docker containers, started with testcontainers-python."""
