"""The staff area's landing page and the audit log browser."""
