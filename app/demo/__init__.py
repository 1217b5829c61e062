"""Demo data: a fictional city so that a newcomer sees a living site after `make run`."""
