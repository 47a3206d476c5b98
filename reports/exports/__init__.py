"""Export jobs: requesting, running, expiring (jobs.py) and the kinds of export (kinds.py)."""
