DROP TABLE allocation_plan_lines;
DROP TABLE allocation_plans;
DROP TABLE status_holder_placements;
DROP TABLE status_holder_targets;
