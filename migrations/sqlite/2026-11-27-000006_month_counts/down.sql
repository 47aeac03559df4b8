DROP TABLE letting_month_counts;
