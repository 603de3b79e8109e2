#!/usr/bin/env bash
# Rebuilds ilm for an operator's own program id. The id in keys/ is public
# (anyone can deploy at it on a public cluster), so a deployment outside
# local ledgers needs its own keypair: this writes one when KEYPAIR does not
# exist, puts its address in declare_id!, Anchor.toml, the IDL and the
# fee-payer policy (kora/kora.toml), and
# rebuilds the program and the CLI, which then refuse any other program.
#
#   scripts/use-program-id.sh ~/ilm-program-keypair.json
#   cargo run -p ilm-migrate -- -u devnet deploy --program-keypair ~/ilm-program-keypair.json
set -euo pipefail
keypair=${1:?usage: scripts/use-program-id.sh KEYPAIR (written when it does not exist)}
cd "$(dirname "$0")/.."
export PATH=/usr/bin:$PATH RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc
ilm=(/usr/bin/cargo run --locked -q -p ilm-cli --bin ilm --)

if [[ ! -e $keypair ]]; then
  "${ilm[@]}" keygen -o "$keypair" >/dev/null
  echo "wrote a new program keypair to $keypair: keep it (it is the only way to deploy at its address)"
fi
new=$("${ilm[@]}" address -k "$keypair")
old=$(sed -n 's/^declare_id!("\([1-9A-HJ-NP-Za-km-z]*\)");$/\1/p' programs/ilm/src/lib.rs)
[[ -n $old ]] || { echo "no declare_id! in programs/ilm/src/lib.rs" >&2; exit 1; }
if [[ $old == "$new" ]]; then
  echo "ilm is already built for $new"
else
  sed -i "s/$old/$new/g" programs/ilm/src/lib.rs Anchor.toml idl/ilm.json idl/baseline.json kora/kora.toml
  echo "program id $old -> $new (programs/ilm/src/lib.rs, Anchor.toml, idl/, kora/kora.toml)"
fi
make build
/usr/bin/cargo build --locked -q -p ilm-cli -p ilm-migrate
echo "built target/deploy/ilm.so for $new; deploy it with:"
echo "  cargo run -p ilm-migrate -- -u <cluster> deploy --program-keypair $keypair"
