DROP TABLE letting_versions;
DROP TABLE lettings;
DROP TABLE api_tokens;
DROP TABLE organisation_municipalities;
DROP TABLE organisations;
