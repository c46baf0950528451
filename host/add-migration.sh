#!/usr/bin/env bash
# Adds an EF Core migration for one module on all three providers.
#   host/add-migration.sh Members AddTiers
# Each provider has its own context type and migrations folder (see docs/adr/0002-persistence-per-module.md).
set -euo pipefail
module=${1:?module, e.g. Members}
name=${2:?migration name, e.g. AddTiers}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dotnet tool restore >/dev/null
dotnet build host/Loyalty.Host >/dev/null
declare -A connection=(
  [Sqlite]="Data Source=design-time.db"
  [Postgres]="Host=localhost;Database=design_time"
  [SqlServer]="Server=localhost;Database=design_time;TrustServerCertificate=True"
)
for provider in Sqlite Postgres SqlServer; do
  Database__Provider=$provider Database__ConnectionString="${connection[$provider]}" \
    dotnet ef migrations add "$name" --no-build \
      --project "modules/$module/Loyalty.$module" --startup-project host/Loyalty.Host \
      --context "${provider}${module}DbContext" \
      --output-dir "Persistence/Migrations/$provider"
done
# EF writes public migration classes; a module's only public type is its module class.
sed -i 's/^    public partial class /    internal partial class /' modules/$module/Loyalty.$module/Persistence/Migrations/*/*.cs
