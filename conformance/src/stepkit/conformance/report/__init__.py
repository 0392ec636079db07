"""Conformance reports: a terminal matrix, JSON, JUnit XML and a Markdown capability matrix."""

from stepkit.conformance.report.collector import CellResult, Collector, TestResult

__all__ = ["CellResult", "Collector", "TestResult"]
