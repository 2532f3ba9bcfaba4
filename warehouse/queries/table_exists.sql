-- Whether a table of this name is loaded (foreign keys to absent tables are not checked).
SELECT count(*) > 0 FROM information_schema.tables WHERE table_name = $name
