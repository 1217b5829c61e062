"""Organisation of the city: the city and its districts (places), and the bureaus that lead the work."""
