// Module AlmagestPlot: see docs/ARCHITECTURE.md for its job.
