// Module AlmagestData: see docs/ARCHITECTURE.md for its job.
