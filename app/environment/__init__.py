"""Environmental quality: monitoring sites, data in, evaluation by the national standards, public pages."""
