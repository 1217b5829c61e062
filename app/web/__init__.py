"""Shared web plumbing: htmx rendering, security headers, error pages, auth decorators, filters."""
