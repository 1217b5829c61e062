"""Requests for government information disclosure (依申请公开): the application, its handling and its figures."""
