DROP TABLE letting_month_profiles;
