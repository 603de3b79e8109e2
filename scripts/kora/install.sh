#!/usr/bin/env bash
# Installs Kora, the Solana Foundation's fee-payer service, into target/kora
# once (about 25 minutes and 700 crates on 2 cores, Debian's rustc); later
# runs find it there. KORA_ROOT moves it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
version=2.2.0-beta.8
dest="${KORA_ROOT:-$root/target/kora}"
stamp="$dest/kora-cli-$version"
if [ -x "$dest/bin/kora" ] && [ -e "$stamp" ]; then
  echo "kora-cli $version: $dest/bin/kora"
  exit 0
fi
echo "kora-cli $version: building into $dest (once; about 25 minutes on 2 cores)"
export PATH="/usr/bin:$PATH" RUSTC="${RUSTC:-/usr/bin/rustc}"
# The build directory is kept until the install succeeds, so an interrupted
# build resumes; then its 1.6 GB go.
/usr/bin/cargo install kora-cli --version "$version" --locked \
  --root "$dest" --target-dir "$root/target/kora-build"
touch "$stamp"
rm -rf "$root/target/kora-build"
echo "kora-cli $version: $dest/bin/kora"
