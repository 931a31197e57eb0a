// Module AlmagestLearn: see docs/ARCHITECTURE.md for its job.
