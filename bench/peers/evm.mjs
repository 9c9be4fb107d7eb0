// The EVM side of `bench --scenario peers` (bench/CareLedger.Bench/PeersScenario.cs runs it against a dev chain it
// started). It compiles BenchToken.sol with solc, deploys it, seeds the accounts, signs every transfer with ethers
// before the clock starts (signing is the client's cost, as in CareLedger's workload), then runs closed-loop clients:
// each sends its next raw transaction once the previous one is mined (the dev chains mine each transaction on arrival
// and answer once it is in a block). It prints one JSON line of figures.
//
// usage: node evm.mjs <rpc url> <clients> <accounts> <warmup s> <duration s> <transactions per client>
import { readFileSync } from 'node:fs';
import solc from 'solc';
import { ethers } from 'ethers';

const [url, clients, accounts, warmupS, durationS, perClient] = process.argv.slice(2);
const C = Number(clients), A = Number(accounts), W = Number(warmupS) * 1000, D = Number(durationS) * 1000, P = Number(perClient);

let id = 0;
async function rpc(method, params) {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method, params }) });
  const body = await response.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

const source = readFileSync(new URL('./BenchToken.sol', import.meta.url), 'utf8');
const compiled = JSON.parse(solc.compile(JSON.stringify({
  language: 'Solidity',
  sources: { 'BenchToken.sol': { content: source } },
  settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'berlin', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
})));
const errors = (compiled.errors ?? []).filter(e => e.severity === 'error');
if (errors.length) throw new Error(errors.map(e => e.formattedMessage).join('\n'));
const token = compiled.contracts['BenchToken.sol'].BenchToken;
const iface = new ethers.Interface(token.abi);

const chainId = Number(await rpc('eth_chainId', []));
// Deterministic accounts; gas is free on these dev chains (gas price 0), so no ether is needed, only tokens.
const wallet = i => new ethers.Wallet(ethers.keccak256(ethers.toUtf8Bytes(`careledger-bench-${i}`)));
const deployer = wallet('deployer');
const people = Array.from({ length: A }, (_, i) => wallet(i));
const nonces = new Map();
const next = w => { const n = nonces.get(w.address) ?? 0; nonces.set(w.address, n + 1); return n; };
const sign = (w, fields) => w.signTransaction({ type: 0, gasPrice: 0n, gasLimit: 120_000n, chainId, nonce: next(w), ...fields });

async function mined(raw) {
  const hash = await rpc('eth_sendRawTransaction', [raw]);
  const receipt = await rpc('eth_getTransactionReceipt', [hash]);
  if (!receipt || receipt.status !== '0x1') throw new Error(`transaction ${hash} not mined or reverted`);
  return receipt;
}

const deployed = await mined(await sign(deployer, { data: '0x' + token.evm.bytecode.object, gasLimit: 3_000_000n }));
const address = deployed.contractAddress;
for (let i = 0; i < A; i += 200)
  await mined(await sign(deployer, { to: address, data: iface.encodeFunctionData('seed', [people.slice(i, i + 200).map(p => p.address), 1_000_000_000n]), gasLimit: 15_000_000n }));

// Client c owns every account whose index is c modulo the client count, and sends each one's transfers in nonce order.
let random = 42;
const rand = n => { random = (random * 1103515245 + 12345) % 2147483648; return random % n; };
const signingStarted = performance.now();
const plans = [];
for (let c = 0; c < C; c++) {
  const own = people.filter((_, i) => i % C === c);
  const txs = [];
  for (let i = 0; i < P; i++) {
    const from = own[i % own.length];
    let to;
    do to = people[rand(A)]; while (to === from);
    txs.push(await sign(from, { to: address, data: iface.encodeFunctionData('transfer', [to.address, BigInt(1 + rand(10))]) }));
  }
  plans.push(txs);
}
const signingSeconds = (performance.now() - signingStarted) / 1000;

const start = performance.now(), from = start + W, to = from + D;
const latencies = [];
let failed = 0, ranOut = 0, firstError = null;
await Promise.all(plans.map(async txs => {
  for (const raw of txs) {
    const sent = performance.now();
    if (sent >= to) return;
    let ok = true;
    try { await rpc('eth_sendRawTransaction', [raw]); } catch (e) { ok = false; firstError ??= e.message; }
    const done = performance.now();
    if (done >= from && done < to) { if (ok) latencies.push(done - sent); else failed++; }
  }
  ranOut++;
}));
latencies.sort((a, b) => a - b);
const at = q => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : 0;
console.log(JSON.stringify({ tps: latencies.length / (D / 1000), p50: at(0.5), p99: at(0.99), committed: latencies.length, failed, firstError, ranOut, signingSeconds }));
