-- Migration 0017: the import ledger keeps less of a file's name (docs/PRIVACY.md, "File names").
-- Imports are known by their content's SHA-256; the name is only for a person reading
-- `imports list`. From now on `imports.file_name` holds the base name without the directories
-- (which name people too: /home/alice/, exports/carol/), and in a pseudonymised warehouse no
-- name at all ('[not kept]': a file may be named after a customer); '-' (standard input) and
-- '[erased]' (lifecycle forget) stay. Imports made before are brought to the same rule, in their
-- stored error text too.

-- The base name: rtrim strips every trailing character that occurs in the name without its
-- slashes, which leaves the directories with their last slash; replace removes them.
UPDATE imports
SET error = replace(error, file_name, replace(file_name, rtrim(file_name, replace(file_name, '/', '')), '')),
    file_name = replace(file_name, rtrim(file_name, replace(file_name, '/', '')), '')
WHERE instr(file_name, '/') > 0;

UPDATE imports
SET error = replace(error, file_name, '[not kept]'), file_name = '[not kept]'
WHERE file_name NOT IN ('-', '[not kept]', '[erased]')
  AND (SELECT pseudonym_key_fingerprint FROM privacy_settings WHERE id = 1) IS NOT NULL;
