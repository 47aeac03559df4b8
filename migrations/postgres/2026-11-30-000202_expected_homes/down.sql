DROP TABLE expected_homes;
