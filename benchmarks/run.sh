#!/usr/bin/env bash
# Runs the benchmarks on SQLite and PostgreSQL and prints their figures as Markdown (docs/benchmarks.md explains them).
#   benchmarks/run.sh                  # the full version: 20 s per load run, 2,000 members
#   benchmarks/run.sh --seconds 5      # a quick look
# PostgreSQL: LOYALTY_BENCH_POSTGRES (default Host=127.0.0.1;Username=postgres;Password=postgres;Database=postgres);
# the account must be allowed to create databases. pgbench comes with Debian's postgresql-client.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release host/Loyalty.Host >/dev/null
dotnet build -c Release benchmarks/Loyalty.Benchmarks >/dev/null
dotnet benchmarks/Loyalty.Benchmarks/bin/Release/net10.0/Loyalty.Benchmarks.dll accrual "$@"
