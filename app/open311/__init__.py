"""Open311 GeoReport v2: pollution tips as service requests for existing civic-tech clients."""
