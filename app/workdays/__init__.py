"""The working-day calendar shared by tips and disclosure requests: weekends, public holidays, make-up days."""
