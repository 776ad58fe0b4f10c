"""Pure computations on a year's data: checks, scores, votes, ranking. No file, no environment."""
