-- One accrual as the host runs it on PostgreSQL (captured from PostgreSQL's statement log for POST …/transactions
-- with an Idempotency-Key): the same statements, the same tables and indexes, the same transaction boundaries. Ids the
-- host makes in memory are made here by the database, in one extra round trip. The host keeps the program, the API key
-- (30 s), the tier ladder and the earning rules' stamp (1 s) in memory, so they are not read here; :prog is given. It
-- records a purchase without first looking for its external id (the unique index refuses a repeat), and its first
-- save carries the idempotency claim, so the claim is inserted in the purchase's transaction. pgbench sends each
-- statement on its own; the host sends the transaction's writes as one batch.
\set m random(1, :members)
\set first random(100, 49999)
\set second random(100, 49999)
\set total :first + :second
\set pts :first / 100 + :second / 100
SELECT gen_random_uuid()::text AS key, gen_random_uuid() AS tx, gen_random_uuid() AS e1, gen_random_uuid() AS e2, gen_random_uuid() AS l1, gen_random_uuid() AS l2, gen_random_uuid() AS ob, now() AS at \gset
SELECT i."Key", i."Caller", i."CreatedAt", i."ExpiresAt", i."Location", i."RequestHash", i."ResponseBody", i."ResponseContentType", i."ResponseStatusCode", i."Status" FROM members."IdempotencyRecords" AS i WHERE i."Key" = :key AND i."Caller" = :caller LIMIT 2;
SELECT m0."Id" AS mid, m0."Attributes", m0."BirthDate", m0."Email", m0."EnrolledAt", m0."EnrollmentChannel", m0."FirstName", m0."LastName", m0."Locale", m0."MergedAt", m0."MergedIntoId", m0."NormalizedEmail", m0."Phone", m0."ProgramId", m0."Status", m0."Version", m0."Address_City", m0."Address_Country", m0."Address_Line1", m0."Address_Line2", m0."Address_PostalCode", m1."MemberId", m1."LastEvaluatedAt", m1."NextEvaluationAt", m1."ProgramId", m1."Since", m1."TierCode", m1."Version" FROM members."MemberIdentifiers" AS m INNER JOIN members."Members" AS m0 ON m."MemberId" = m0."Id" LEFT JOIN members."MemberTiers" AS m1 ON m0."Id" = m1."MemberId" WHERE m."ProgramId" = :prog AND m."Kind" = 'ExternalId' AND m."Value" = 'm' || CAST(:m AS text) LIMIT 2 \gset
-- The host reads both accounts in one query (Currency = points OR status); one row per account cannot be \gset, so the
-- anchor reads them as one joined row: the same two index lookups in one round trip.
SELECT p."Id" AS acc1, p."Available" AS avail1, p."Version" AS ver1, q."Id" AS acc2, q."Available" AS avail2, q."Version" AS ver2 FROM members."PointsAccounts" AS p JOIN members."PointsAccounts" AS q ON q."MemberId" = p."MemberId" WHERE p."MemberId" = :mid AND p."Currency" = 'points' AND q."Currency" = 'status' \gset
\set newavail1 :avail1 + :pts
\set newver1 :ver1 + 1
\set newavail2 :avail2 + :pts
\set newver2 :ver2 + 1
\set line1 :first / 100
\set line2 :second / 100
BEGIN;
INSERT INTO members."IdempotencyRecords" ("Caller", "Key", "CreatedAt", "ExpiresAt", "Location", "RequestHash", "ResponseBody", "ResponseContentType", "ResponseStatusCode", "Status") VALUES (:caller, :key, :at, CAST(:at AS timestamptz) + interval '1 day', NULL, 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', NULL, NULL, NULL, 'InProgress');
INSERT INTO members."LedgerEntries" ("Id", "AccountId", "Actor", "AvailableAt", "CreatedAt", "MemberId", "Points", "Reason", "ReferenceId", "ReferenceType", "Type") VALUES (:e1, :acc1, :caller, NULL, :at, :mid, :pts, NULL, :key, 'transaction', 'Accrual');
INSERT INTO members."LedgerEntries" ("Id", "AccountId", "Actor", "AvailableAt", "CreatedAt", "MemberId", "Points", "Reason", "ReferenceId", "ReferenceType", "Type") VALUES (:e2, :acc2, :caller, NULL, :at, :mid, :pts, NULL, :key, 'transaction', 'Accrual');
INSERT INTO members."OutboxMessages" ("Id", "Attempts", "DeliveredAt", "EventType", "LastError", "LockedBy", "LockedUntil", "NextAttemptAt", "OccurredAt", "Payload", "Status") VALUES (:ob, 0, NULL, 'Loyalty.Members.Contracts.PointsAccrued', NULL, NULL, NULL, :at, :at, '{"eventId":"01a23333-ac5b-7ef8-8969-2caa2ed8285c","occurredAt":"2026-12-01T20:02:34.2036115+00:00","programId":"01a23333-9618-7f57-88b0-d2743d16774a","memberId":"01a23333-9618-7f57-88b0-d2743d16774a","currency":"points","points":12,"referenceType":"transaction","referenceId":"T2","availableAt":"2026-12-01T19:00:00+00:00","expiresAt": null}', 'Pending');
UPDATE members."PointsAccounts" SET "Available" = :newavail1, "Version" = :newver1 WHERE "Id" = :acc1 AND "Version" = :ver1;
UPDATE members."PointsAccounts" SET "Available" = :newavail2, "Version" = :newver2 WHERE "Id" = :acc2 AND "Version" = :ver2;
INSERT INTO members."PointsLots" ("Id", "AccountId", "AccrualEntryId", "AvailableAt", "EarnedAt", "ExpiredAt", "ExpiresAt", "Points", "Released", "Remaining") VALUES (:l1, :acc1, :e1, :at, :at, NULL, NULL, :pts, TRUE, :pts);
INSERT INTO members."PointsLots" ("Id", "AccountId", "AccrualEntryId", "AvailableAt", "EarnedAt", "ExpiredAt", "ExpiresAt", "Points", "Released", "Remaining") VALUES (:l2, :acc2, :e2, :at, :at, NULL, NULL, :pts, TRUE, :pts);
INSERT INTO members."Transactions" ("Id", "Channel", "Currency", "EarnedBy", "ExternalId", "LedgerEntryId", "MemberId", "OccurredAt", "OriginalExternalId", "Points", "ProgramId", "RecordedAt", "RequestHash", "Store", "TotalMinor", "Type") VALUES (:tx, 'pos', 'EUR', NULL, :key, :e1, :mid, :at, NULL, :pts, :prog, :at, 'E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855', 's1', :total, 'Purchase');
INSERT INTO members."TransactionLines" ("LineNumber", "TransactionId", "AmountMinor", "Category", "Points", "Quantity", "ReturnedQuantity", "ReversedPoints", "Sku", "UnitPriceMinor") VALUES (1, :tx, :first, 'coffee', :line1, 1, 0, 0, 'latte', :first);
INSERT INTO members."TransactionLines" ("LineNumber", "TransactionId", "AmountMinor", "Category", "Points", "Quantity", "ReturnedQuantity", "ReversedPoints", "Sku", "UnitPriceMinor") VALUES (2, :tx, :second, 'bakery', :line2, 1, 0, 0, 'cake', :second);
COMMIT;
UPDATE members."IdempotencyRecords" AS i SET "Status" = 'Completed', "ResponseStatusCode" = 201, "ResponseContentType" = 'application/json; charset=utf-8', "ResponseBody" = convert_to('{"id":"01a23333-ac5b-7ef8-8969-2caa2ed8285c","externalId":"T2","type":"Purchase","memberId":"01a23333-9618-7f57-88b0-d2743d16774a","points":12,"recordedAt":"2026-12-01T20:02:34.2036115+00:00"}', 'UTF8'), "Location" = '/api/members/programs/bench/transactions/T2' WHERE i."Key" = :key AND i."Caller" = :caller AND i."Status" = 'InProgress';
