-- The bodies whose rows are in the partitions being replaced or dropped (`doomed`).
SELECT DISTINCT body_id FROM _xxgk_partition_rows WHERE partition IN (SELECT partition FROM doomed)
