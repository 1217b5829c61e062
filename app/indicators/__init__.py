"""Indicator progress: catalogues, targets, values and compliance."""
