-- A repeated request: the host authenticates the key and answers from the stored idempotency record.
SELECT a."Id", a."CreatedAt", a."CreatedBy", a."ExpiresAt", a."LastUsedAt", a."LookupId", a."Name", a."RevokedAt", a."Roles", a."SecretHash" FROM admin."ApiKeys" AS a WHERE a."LookupId" = :lookup LIMIT 2;
SELECT i."Key", i."Caller", i."CreatedAt", i."ExpiresAt", i."Location", i."RequestHash", i."ResponseBody", i."ResponseContentType", i."ResponseStatusCode", i."Status" FROM members."IdempotencyRecords" AS i WHERE i."Key" = :replaykey AND i."Caller" = :caller LIMIT 2;
