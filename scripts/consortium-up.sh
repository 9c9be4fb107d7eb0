#!/usr/bin/env bash
# Starts a demo consortium on this machine: N organisations, each an etcd member plus a CareLedger
# node, on loopback ports. Ctrl-C stops them all; data stays in the folder for the next start.
#   ./scripts/consortium-up.sh [nodes=3] [folder=./consortium]
set -euo pipefail
nodes="${1:-3}"
folder="$(realpath -m "${2:-./consortium}")"
repo="$(cd "$(dirname "$0")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [[ -z "${CARELEDGER_NODE_PASSPHRASE:-}" ]]; then
  echo "CARELEDGER_NODE_PASSPHRASE is not set: using the demo passphrase 'demo-consortium' (demo only)" >&2
  export CARELEDGER_NODE_PASSPHRASE=demo-consortium
fi
command -v etcd >/dev/null || { echo "error: etcd is not installed (apt-get install etcd-server)" >&2; exit 1; }

dotnet build -c Release "$repo/src/CareLedger.Node" -v quiet -nologo >/dev/null
dll="$repo/src/CareLedger.Node/bin/Release/net10.0/CareLedger.Node.dll"
[[ -d "$folder/node1" ]] || dotnet "$dll" init-consortium "$folder" "$nodes"
mkdir -p "$folder/logs"

pids=()
stop() { kill -TERM "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

cluster=""; endpoints=()
for i in $(seq 1 "$nodes"); do
  cluster+="${cluster:+,}m$i=http://127.0.0.1:$((2380 + 10 * i))"
  endpoints+=("http://127.0.0.1:$((2379 + 10 * i))")
done
for i in $(seq 1 "$nodes"); do
  state=new; [[ -d "$folder/etcd/m$i/member" ]] && state=existing
  etcd --name "m$i" --data-dir "$folder/etcd/m$i" \
    --listen-client-urls "${endpoints[$((i - 1))]}" --advertise-client-urls "${endpoints[$((i - 1))]}" \
    --listen-peer-urls "http://127.0.0.1:$((2380 + 10 * i))" --initial-advertise-peer-urls "http://127.0.0.1:$((2380 + 10 * i))" \
    --initial-cluster "$cluster" --initial-cluster-state "$state" --initial-cluster-token careledger-demo \
    --max-request-bytes 16777216 --quota-backend-bytes 8589934592 --logger zap --log-level error \
    >"$folder/logs/etcd-m$i.log" 2>&1 &
  pids+=($!)
done
# Several nodes share this machine's cores: workstation GC suits them better than server GC's per-core heaps.
export DOTNET_gcServer="${DOTNET_gcServer:-0}"
for i in $(seq 1 "$nodes"); do
  # Each node talks to its own etcd member first, then to the others.
  own="${endpoints[$((i - 1))]}"; others=$(printf '%s\n' "${endpoints[@]}" | grep -v "^$own$" | paste -sd, -)
  url="http://127.0.0.1:$((5080 + i))"
  dotnet "$dll" --urls "$url" --data "$folder/node$i" --etcd "$own${others:+,$others}" --advertise "$url" \
    >"$folder/logs/node$i.log" 2>&1 &
  pids+=($!)
done
for i in $(seq 1 "$nodes"); do
  url="http://127.0.0.1:$((5080 + i))"
  for _ in $(seq 1 600); do curl -sf "$url/ready" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -sf "$url/ready" >/dev/null || { echo "error: node $i did not become ready; see $folder/logs/node$i.log" >&2; exit 1; }
done
echo "Consortium of $nodes nodes is up (logs in $folder/logs):"
for i in $(seq 1 "$nodes"); do echo "  node $i: http://127.0.0.1:$((5080 + i))/  (etcd ${endpoints[$((i - 1))]})"; done
echo "Status: curl http://127.0.0.1:5081/v1/consortium/status   or   careledger consortium status --node http://127.0.0.1:5081"
echo "Ctrl-C stops the consortium. A node that dies stays down while the others go on; after Ctrl-C, running this script again resumes all of them."
wait
