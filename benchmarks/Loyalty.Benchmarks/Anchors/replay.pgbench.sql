-- A repeated request: the host answers from the stored idempotency record (it keeps the API key it has read).
SELECT i."Key", i."Caller", i."CreatedAt", i."ExpiresAt", i."Location", i."RequestHash", i."ResponseBody", i."ResponseContentType", i."ResponseStatusCode", i."Status" FROM members."IdempotencyRecords" AS i WHERE i."Key" = :replaykey AND i."Caller" = :caller LIMIT 2;
