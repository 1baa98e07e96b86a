-- rollback.sql: undoes run 1 of plan `shop` (env `default`)
-- made by migrun from its state store `.mig/state/shop.default.db`
--
-- Rows the run inserted are deleted; rows it updated get back the values they had
-- before it; no other row is touched. Newest writes first, children before parents.
-- Review it, then apply it with the database's client, stopping at the first error:
--   sqlite: sqlite3 -bail DATABASE < rollback.sql
-- `migrun rollback` does the same in resumable batches and records it in the state
-- store; after applying this script by hand, run `migrun reset` before the next run.

-- connection `dst` (sqlite)
BEGIN;
-- task `orders` -> `orders`: 5 inserted row(s) to delete, 0 updated row(s) to restore
DELETE FROM "orders" WHERE "id" IN (14);
DELETE FROM "orders" WHERE "id" BETWEEN 12 AND 13;
DELETE FROM "orders" WHERE "id" BETWEEN 10 AND 11;
-- task `customers` -> `customers`: 2 inserted row(s) to delete, 2 updated row(s) to restore
DELETE FROM "customers" WHERE "id" IN (4);
INSERT INTO "customers" ("id", "name", "email") VALUES (3, 'Carl; --', 'c@x.org') ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name", "email" = excluded."email";
INSERT INTO "customers" ("id", "name", "email") VALUES (2, 'Bob (old)', 'bob@old.org') ON CONFLICT ("id") DO UPDATE SET "name" = excluded."name", "email" = excluded."email";
DELETE FROM "customers" WHERE "id" IN (1);
COMMIT;
