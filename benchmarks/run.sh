#!/usr/bin/env bash
# Runs the benchmarks on SQLite and PostgreSQL and prints their figures as Markdown (docs/benchmarks.md explains them).
#   benchmarks/run.sh accrual                                  # online accrual: 20 s per load run, 2,000 members
#   benchmarks/run.sh accrual --rules 50                       # the same with the 50 earning rules of Rules/fifty-rules.json active
#   benchmarks/run.sh import                                   # bulk import: 1,000,000 purchases for 100,000 members
#   benchmarks/run.sh import --members 2000 --transactions 10000 --provider Postgres   # a quick look
#   benchmarks/run.sh segments                                 # segment evaluation: 1,000,000 members vs hand-written SQL
#   benchmarks/run.sh rules                                    # earning rules in memory (BenchmarkDotNet, one core)
#   benchmarks/run.sh gdpr --members 100000                   # export of a member with 10,000 purchases, erasure, vs hand-written SQL
# PostgreSQL: LOYALTY_BENCH_POSTGRES (default Host=127.0.0.1;Username=postgres;Password=postgres;Database=postgres;SSL Mode=Disable,
# loopback without TLS for the host and pgbench alike);
# the account must be allowed to create databases. pgbench comes with Debian's postgresql-client.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:?accrual, import, vouchers, segments or rules}
shift
if [ "$scenario" = rules ]; then
  dotnet build -c Release benchmarks/Loyalty.Campaigns.Benchmarks >/dev/null
  exec dotnet benchmarks/Loyalty.Campaigns.Benchmarks/bin/Release/net10.0/Loyalty.Campaigns.Benchmarks.dll --filter '*' "$@"
fi
dotnet build -c Release host/Loyalty.Host >/dev/null
dotnet build -c Release benchmarks/Loyalty.Benchmarks >/dev/null
dotnet benchmarks/Loyalty.Benchmarks/bin/Release/net10.0/Loyalty.Benchmarks.dll "$scenario" "$@"
