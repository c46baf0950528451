#!/usr/bin/env python3
"""Fills a running host of a released version with data for the upgrade test (UpgradeTests).

    python3 seed_release.py http://127.0.0.1:5098 ADMIN_PASSWORD expected.json

Writes what that release answered for the data it made into expected.json, which the test compares with what the
current release answers after migrating the same database. Uses only the API, so it works against any release.
"""
import http.cookiejar, json, sys, urllib.request

base, password, out = sys.argv[1], sys.argv[2], sys.argv[3]
jar = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def call(method, path, body=None, key=None, opener=jar):
    request = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Authorization", "Bearer " + key)
    with opener.open(request) as response:
        text = response.read()
        return json.loads(text) if text else None


call("POST", "/api/admin/auth/sign-in", {"userName": "admin", "password": password})
admin = call("POST", "/api/admin/api-keys", {"name": "upgrade-admin", "roles": ["Admin", "DataProtectionOfficer"]})["key"]
pos = call("POST", "/api/admin/api-keys", {"name": "upgrade-pos", "roles": ["Integrator"]})["key"]
plain = urllib.request.build_opener()
program = "upgrade-club"
call("POST", "/api/members/programs", {"code": program, "name": "Upgrade Club", "timeZone": "Europe/Berlin", "currency": "EUR"}, admin, plain)

members = {}
for i, name in enumerate(["ada", "grace", "edsger"]):
    created = call("POST", f"/api/members/programs/{program}/members",
                   {"externalId": f"crm-{name}", "email": f"{name}@upgrade.example", "firstName": name.title(), "channel": "web"}, pos, plain)
    members[name] = created["id"]
    for n in range(i + 2):
        call("POST", f"/api/members/programs/{program}/transactions", {
            "externalId": f"till-{name}-{n}", "memberId": created["id"], "occurredAt": f"2026-11-2{n}T10:00:00Z",
            "currency": "EUR", "total": 2_500 + 1_000 * n, "channel": "pos",
            "lines": [{"sku": "latte", "category": "coffee", "quantity": 1, "unitPrice": 2_500 + 1_000 * n}]}, pos, plain)

call("POST", f"/api/members/programs/{program}/members/{members['ada']}/adjustments", {"points": 700, "reason": "welcome back"}, admin, plain)
reward = call("POST", f"/api/rewards/programs/{program}/rewards",
              {"name": "5 EUR off", "kind": "discountVoucher", "pointsCost": 500, "value": 500}, admin, plain)
redemption = call("POST", f"/api/rewards/programs/{program}/members/{members['ada']}/redemptions",
                  {"rewardId": reward["id"], "externalId": "web-redeem-1"}, pos, plain)

call("POST", f"/api/consent/programs/{program}/purposes",
     {"key": "email-marketing", "name": "Newsletter by email", "description": "Our newsletter by email."}, admin, plain)
call("POST", f"/api/consent/programs/{program}/purposes/email-marketing/versions",
     {"texts": {"en": "Yes, send me the newsletter."}, "materialChange": True}, admin, plain)
call("POST", f"/api/consent/programs/{program}/members/{members['grace']}/consents",
     {"purpose": "email-marketing", "channel": "email", "textVersion": 1, "locale": "en", "source": "webForm",
      "ipAddress": "203.0.113.7", "formId": "checkout"}, pos, plain)

expected = {"program": program, "rewardId": reward["id"], "redemptionId": redemption["id"], "members": {}}
for name, member in members.items():
    expected["members"][name] = {
        "id": member,
        "email": f"{name}@upgrade.example",
        "balances": call("GET", f"/api/members/programs/{program}/members/{member}/balances", key=admin, opener=plain),
        "ledgerEntries": len(call("GET", f"/api/members/programs/{program}/members/{member}/ledger", key=admin, opener=plain)["items"]),
    }
json.dump(expected, open(out, "w"), indent=2)
print(f"seeded {program}: {len(members)} members")
