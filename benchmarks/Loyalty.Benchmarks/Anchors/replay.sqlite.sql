-- replay.pgbench.sql in SQLite's dialect. A repeated request: the host answers from the stored idempotency record.
SELECT i."Key", i."Caller", i."CreatedAt", i."ExpiresAt", i."Location", i."RequestHash", i."ResponseBody", i."ResponseContentType", i."ResponseStatusCode", i."Status" FROM "members_IdempotencyRecords" AS i WHERE i."Key" = :replaykey AND i."Caller" = :caller LIMIT 2;
