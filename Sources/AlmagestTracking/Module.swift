// Module AlmagestTracking: see docs/ARCHITECTURE.md for its job.
