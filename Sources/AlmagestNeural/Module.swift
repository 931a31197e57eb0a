// Module AlmagestNeural: see docs/ARCHITECTURE.md for its job.
