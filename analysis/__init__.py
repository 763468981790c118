"""Analysis of batch results: pure functions over the batch tables (tidy DataFrames in,
DataFrames or figures out). Depends on engine/, never the reverse."""
