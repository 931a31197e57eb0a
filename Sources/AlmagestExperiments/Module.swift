// Module AlmagestExperiments: see docs/ARCHITECTURE.md for its job.
