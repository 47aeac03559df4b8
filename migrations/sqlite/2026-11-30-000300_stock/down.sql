DROP TABLE stock_snapshot_units;
DROP TABLE stock_snapshots;
DROP TABLE stock_unit_versions;
