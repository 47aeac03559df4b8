DROP TABLE afspraak_updates;
