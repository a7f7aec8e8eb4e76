-- PLACEHOLDER on branch `registry` only, so that 0004 applies here without a numbering gap.
-- The real 0003_analytics.sql lives on the analytics branch: when merging, take that file
-- (git reports an add/add conflict on this path) and drop this one.
SELECT 1;
