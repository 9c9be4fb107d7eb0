#!/usr/bin/env bash
# Starts a demo consortium on this machine: N organisations, each an etcd member plus a CareLedger
# node, on loopback ports. Ctrl-C stops them all; data stays in the folder for the next start.
# etcd takes only the consortium's nodes: TLS between everyone, client certificates from the
# consortium's CA (made here with openssl, in <folder>/pki), users and roles (docs/consortium-tls.md).
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
command -v etcdctl >/dev/null || { echo "error: etcdctl is not installed (apt-get install etcd-client)" >&2; exit 1; }
command -v openssl >/dev/null || { echo "error: openssl is not installed (apt-get install openssl)" >&2; exit 1; }
if [[ -d "$folder/etcd" && ! -f "$folder/pki/ca.pem" ]]; then
  echo "error: $folder was made before etcd used TLS; move $folder/etcd aside (the nodes resume from the log) or use a new folder" >&2; exit 1
fi

dotnet build -c Release "$repo/src/CareLedger.Node" -v quiet -nologo >/dev/null
dll="$repo/src/CareLedger.Node/bin/Release/net10.0/CareLedger.Node.dll"
[[ -d "$folder/node1" ]] || dotnet "$dll" init-consortium "$folder" "$nodes"
mkdir -p "$folder/logs"

# The consortium's CA, one server certificate for the etcd members (loopback here; each host's name in
# production), and a client certificate per etcd user: root (the administrator) and node1..N.
pki="$folder/pki"
issue() { # name, extensions
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/$1-key.pem" 2>/dev/null
  openssl req -new -key "$pki/$1-key.pem" -subj "/CN=$1" 2>/dev/null |
    openssl x509 -req -CA "$pki/ca.pem" -CAkey "$pki/ca-key.pem" -set_serial "0x$(openssl rand -hex 16)" -days 825 \
      -extfile <(printf '%b' "$2") -out "$pki/$1.pem" 2>/dev/null
}
if [[ ! -f "$pki/ca.pem" ]]; then
  mkdir -p "$pki" && chmod 700 "$pki"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/ca-key.pem" 2>/dev/null
  openssl req -x509 -new -key "$pki/ca-key.pem" -subj "/CN=CareLedger demo consortium CA" -days 825 -out "$pki/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  issue etcd-member "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost"
fi
for user in root $(seq -f "node%g" 1 "$nodes"); do
  [[ -f "$pki/$user.pem" ]] || issue "$user" "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth"
done
chmod 600 "$pki"/*-key.pem
tls=(--cert-file "$pki/etcd-member.pem" --key-file "$pki/etcd-member-key.pem" --trusted-ca-file "$pki/ca.pem" --client-cert-auth
     --peer-cert-file "$pki/etcd-member.pem" --peer-key-file "$pki/etcd-member-key.pem" --peer-trusted-ca-file "$pki/ca.pem" --peer-client-cert-auth)

pids=()
stop() { kill -TERM "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

cluster=""; endpoints=()
for i in $(seq 1 "$nodes"); do
  cluster+="${cluster:+,}m$i=https://127.0.0.1:$((2380 + 10 * i))"
  endpoints+=("https://127.0.0.1:$((2379 + 10 * i))")
done
for i in $(seq 1 "$nodes"); do
  state=new; [[ -d "$folder/etcd/m$i/member" ]] && state=existing
  etcd --name "m$i" --data-dir "$folder/etcd/m$i" "${tls[@]}" \
    --listen-client-urls "${endpoints[$((i - 1))]}" --advertise-client-urls "${endpoints[$((i - 1))]}" \
    --listen-peer-urls "https://127.0.0.1:$((2380 + 10 * i))" --initial-advertise-peer-urls "https://127.0.0.1:$((2380 + 10 * i))" \
    --initial-cluster "$cluster" --initial-cluster-state "$state" --initial-cluster-token careledger-demo \
    --max-request-bytes 16777216 --quota-backend-bytes 8589934592 --logger zap --log-level error \
    >"$folder/logs/etcd-m$i.log" 2>&1 &
  pids+=($!)
done
# First start: etcd's users and roles. root administers; each node's user (its certificate's name) may
# read and write the consortium's keys and nothing else. Once auth is on, a certificate alone names no one else.
etcdctl_root() { ETCDCTL_API=3 etcdctl --endpoints "$(IFS=,; echo "${endpoints[*]}")" --cacert "$pki/ca.pem" --cert "$pki/root.pem" --key "$pki/root-key.pem" "$@"; }
for _ in $(seq 1 100); do etcdctl_root endpoint health >/dev/null 2>&1 && break; sleep 0.2; done
if [[ ! -f "$folder/etcd/auth-enabled" ]]; then
  {
    etcdctl_root user add root --no-password && etcdctl_root user grant-role root root
    etcdctl_root role add careledger-node && etcdctl_root role grant-permission careledger-node --prefix=true readwrite /careledger/
    for i in $(seq 1 "$nodes"); do etcdctl_root user add "node$i" --no-password && etcdctl_root user grant-role "node$i" careledger-node; done
    etcdctl_root auth enable
  } >"$folder/logs/etcd-auth.log" 2>&1 || { echo "error: could not set up etcd's users; see $folder/logs/etcd-auth.log" >&2; exit 1; }
  touch "$folder/etcd/auth-enabled"
fi
# Several nodes share this machine's cores: workstation GC suits them better than server GC's per-core heaps.
export DOTNET_gcServer="${DOTNET_gcServer:-0}"
for i in $(seq 1 "$nodes"); do
  # Each node talks to its own etcd member first, then to the others.
  own="${endpoints[$((i - 1))]}"; others=$(printf '%s\n' "${endpoints[@]}" | grep -v "^$own$" | paste -sd, -)
  url="http://127.0.0.1:$((5080 + i))"
  dotnet "$dll" --urls "$url" --data "$folder/node$i" --etcd "$own${others:+,$others}" --advertise "$url" \
    --etcd-ca "$pki/ca.pem" --etcd-cert "$pki/node$i.pem" --etcd-key "$pki/node$i-key.pem" \
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
echo "etcd: TLS and client certificates from $pki/ca.pem; as administrator: ETCDCTL_API=3 etcdctl --endpoints ${endpoints[0]} --cacert $pki/ca.pem --cert $pki/root.pem --key $pki/root-key.pem ..."
echo "Ctrl-C stops the consortium. A node that dies stays down while the others go on; after Ctrl-C, running this script again resumes all of them."
wait
