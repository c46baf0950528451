#!/usr/bin/env bash
# Runs the benchmarks on SQLite and PostgreSQL and prints their figures as Markdown (docs/benchmarks.md explains them).
#   benchmarks/run.sh accrual                                  # online accrual: 20 s per load run, 2,000 members
#   benchmarks/run.sh accrual --rules 50                       # the same with the 50 earning rules of Rules/fifty-rules.json active
#   benchmarks/run.sh accrual --nodes 2                        # the same load on one node, then on two host processes on one PostgreSQL (issue 11)
#   benchmarks/run.sh import                                   # bulk import: 1,000,000 purchases for 100,000 members
#   benchmarks/run.sh import --members 2000 --transactions 10000 --provider Postgres   # a quick look
#   benchmarks/run.sh segments --sample 2000                   # segment evaluation: 1,000,000 members (2,000 imported, copied in SQL) vs hand-written SQL
#   benchmarks/run.sh rules                                    # earning rules in memory (BenchmarkDotNet, one core)
#   benchmarks/run.sh gdpr --members 100000                   # export of a member with 10,000 purchases, erasure, vs hand-written SQL
#   benchmarks/run.sh sync [--contacts 100000] [--faults]    # Salesforce sync engine: inbound members and outbound writes vs a plain HttpClient loop on the fake
#   benchmarks/run.sh send [EMAILS]                            # campaign emails rendered and sent to aiosmtpd (default 100,000), vs
#                                                              # Scriban's raw render (BenchmarkDotNet) and postfix's smtp-source to the same sink
# PostgreSQL: LOYALTY_BENCH_POSTGRES (default Host=127.0.0.1;Username=postgres;Password=postgres;Database=postgres;SSL Mode=Disable,
# loopback without TLS for the host and pgbench alike);
# the account must be allowed to create databases. pgbench comes with Debian's postgresql-client.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:?accrual, import, vouchers, segments, gdpr, sync, rules or send}
shift
if [ "$scenario" = send ]; then
  emails=${1:-100000}
  dotnet build -c Release benchmarks/Loyalty.Campaigns.Benchmarks >/dev/null
  bench=benchmarks/Loyalty.Campaigns.Benchmarks/bin/Release/net10.0/Loyalty.Campaigns.Benchmarks.dll
  work=$(mktemp -d)
  servers=()
  trap 'kill "${servers[@]}" 2>/dev/null; rm -rf "$work"' EXIT
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
  wait_port() { for _ in $(seq 100); do (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return; sleep 0.1; done; echo "no server on $1" >&2; exit 1; }
  # smtp-source sends one message as the send benchmark writes it, kept by a Maildir server first: the same bytes.
  mkdir -p "$work/maildir/"{cur,new,tmp}
  keep=$(free_port)
  /usr/bin/aiosmtpd -n -l "127.0.0.1:$keep" -c aiosmtpd.handlers.Mailbox "$work/maildir" & servers+=($!)
  wait_port "$keep"
  dotnet "$bench" --send 1 127.0.0.1 "$keep" >/dev/null
  grep -v '^X-Peer:' "$work"/maildir/new/* | sed 's/\r$//' >"$work/message.eml"
  sink=$(free_port)
  /usr/bin/aiosmtpd -n -l "127.0.0.1:$sink" -c aiosmtpd.handlers.Sink & servers+=($!)
  wait_port "$sink"
  start=$(date +%s.%N)
  /usr/sbin/smtp-source -s 1 -d -m "$emails" -N -F "$work/message.eml" -f news@shop.example -t member@example.com "127.0.0.1:$sink"
  elapsed=$(echo "$(date +%s.%N) - $start" | bc)
  echo "smtp-source: $emails messages of $(wc -c <"$work/message.eml") bytes over one connection to 127.0.0.1:$sink in $elapsed s: $(echo "$emails / $elapsed" | bc) messages/s"
  dotnet "$bench" --send "$emails" 127.0.0.1 "$sink"
  # A busy machine takes longer than BenchmarkDotNet's default two minutes to build the benchmark's own process.
  dotnet "$bench" --filter '*MessageRenderBenchmark*' --buildTimeout 900
  exit
fi
if [ "$scenario" = rules ]; then
  dotnet build -c Release benchmarks/Loyalty.Campaigns.Benchmarks >/dev/null
  exec dotnet benchmarks/Loyalty.Campaigns.Benchmarks/bin/Release/net10.0/Loyalty.Campaigns.Benchmarks.dll --filter '*' "$@"
fi
dotnet build -c Release host/Loyalty.Host >/dev/null
dotnet build -c Release benchmarks/Loyalty.Benchmarks >/dev/null
dotnet benchmarks/Loyalty.Benchmarks/bin/Release/net10.0/Loyalty.Benchmarks.dll "$scenario" "$@"
