// CareLedger explorer: a read-only view over what the node shows anyone (ADR 0011): organisations and their staff,
// licences, assets, block headers and where a transaction is. Who did what to whom is for those it concerns.
"use strict";

const view = document.getElementById("view");
const errorBox = document.getElementById("error");

const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const short = (h) => (h && h.length > 16 ? `${h.slice(0, 10)}…${h.slice(-6)}` : h);
const when = (ms) => new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC";

async function api(path) {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || body.title || `${response.status} ${response.statusText}`);
  return body;
}

function table(headers, rows, empty = "Nothing yet.") {
  return `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead>
    <tbody>${rows.length ? rows.join("") : `<tr><td colspan="${headers.length}">${esc(empty)}</td></tr>`}</tbody></table>`;
}

async function query(contract, name, args) {
  const response = await fetch(`/v1/contracts/${contract}/queries/${name}`, {
    method: "POST", headers: { accept: "application/json", "content-type": "application/json" }, body: JSON.stringify(args),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || body.title || `${response.status} ${response.statusText}`);
  return body;
}

// Organisations' staff are public (professional identities); their patients are not listed anywhere here.
async function staff(orgs) {
  const people = new Map();
  for (const o of orgs) for (const m of (await query("membership", "staff", { org: o.value.id })).members) people.set(m.account, m);
  return people;
}

const pages = {
  async overview() {
    const chain = await api("/v1/chain");
    return `<div class="cards">
      <div class="card"><div class="label">Chain</div><div class="value" data-testid="chain-id">${esc(chain.chainId)}</div></div>
      <div class="card"><div class="label">Height</div><div class="value" data-testid="height">${chain.height}</div></div>
      <div class="card"><div class="label">Last block</div><div class="value">${esc(when(chain.time))}</div></div>
      <div class="card"><div class="label">Pending transactions</div><div class="value">${chain.pendingTransactions}</div></div>
    </div>
    <h2>Validators</h2>${table(["Account"], chain.validators.map((v) => `<tr><td class="hash">${esc(v)}</td></tr>`))}
    <p>Head <span class="hash">${esc(chain.headHash)}</span>, state root <span class="hash">${esc(chain.stateRoot)}</span>.</p>`;
  },

  async organisations() {
    const orgs = await api("/v1/state?prefix=membership/org/&limit=1000");
    const people = await staff(orgs);
    const rows = [...people].map(([account, m]) =>
      `<tr><td>${esc(m.name)}</td><td>${esc(m.role)}</td><td>${esc(m.org)}</td><td class="hash">${esc(account)}</td></tr>`);
    return `<h2>Organisations</h2>${table(["Id", "Name", "Kind"], orgs.map((o) =>
      `<tr><td>${esc(o.value.id)}</td><td>${esc(o.value.name)}</td><td>${esc(o.value.kind)}</td></tr>`))}
      <h2>Staff</h2>${table(["Name", "Role", "Organisation", "Account"], rows)}
      <p class="note">Patients are members too, but who they are is theirs to tell: they are not listed.</p>`;
  },

  async licences() {
    const licences = await api("/v1/state?prefix=licensing/licence/&limit=1000");
    const people = await staff(await api("/v1/state?prefix=membership/org/&limit=1000"));
    const now = Date.now();
    const rows = licences.map(({ value: l }) => {
      const status = l.revoked ? `<span class="invalid">revoked: ${esc(l.revokeReason)}</span>`
        : now > l.validUntil ? `<span class="invalid">expired</span>` : `<span class="valid">valid</span>`;
      return `<tr><td>${esc(people.get(l.practitioner)?.name ?? short(l.practitioner))}</td><td>${esc(l.specialty)}</td>
        <td>${esc(l.jurisdiction)}</td><td>${esc(when(l.validUntil))}</td><td>${esc(l.issuer)}</td><td>${status}</td></tr>`;
    });
    return `<h2>Practitioner licences</h2>${table(["Practitioner", "Specialty", "Jurisdiction", "Valid until", "Issuer", "Status"], rows)}`;
  },

  async assets() {
    const assets = await api("/v1/state?prefix=tokens/asset/&limit=100");
    return `<h2>Assets</h2>${table(["Symbol", "Name", "Issuer", "Supply"], assets.map(({ value: a }) =>
      `<tr><td>${esc(a.symbol)}</td><td>${esc(a.name)}</td><td>${esc(a.issuer)}</td><td>${a.supply}</td></tr>`))}
      <p class="note">Balances are their holders' to see.</p>`;
  },

  async blocks() {
    const blocks = await api("/v1/blocks?limit=50");
    return `<h2>Latest blocks</h2>${table(["Height", "Time", "Transactions", "Hash"], blocks.map((b) =>
      `<tr><td><a href="#block/${b.height}">${b.height}</a></td><td>${esc(when(b.time))}</td><td>${b.transactions}</td><td class="hash">${esc(short(b.hash))}</td></tr>`))}`;
  },

  async block(id) {
    const b = await api(`/v1/blocks/${encodeURIComponent(id)}`);
    const txs = b.transactions.map((t) =>
      `<tr><td><a href="#tx/${t.id}" class="hash">${esc(short(t.id))}</a></td><td>${esc(t.contract)}.${esc(t.action)}</td>
       <td class="hash">${esc(short(t.sender))}</td><td>${t.valid ? '<span class="valid">valid</span>' : `<span class="invalid">invalid: ${esc(t.reason)}</span>`}</td></tr>`);
    return `<h2>Block ${b.height}</h2>
      ${table(["Field", "Value"], [["Hash", b.hash], ["Previous", b.previousHash], ["Transactions root", b.transactionsRoot],
        ["State root", b.stateRoot], ["Time", when(b.time)], ["Proposer", b.proposer],
        ["Signatures", b.signatures.map((s) => s.validator).join(", ")]].map(([k, v]) => `<tr><th>${k}</th><td class="hash">${esc(v)}</td></tr>`))}
      <h2>Transactions</h2>${table(["Id", "Action", "Sender", "Result"], txs, "None of this block's transactions concerns you (see the block list for how many it holds).")}
      <p class="note" data-testid="tx-note">A transaction's arguments name patients and records: they are shown only to those it concerns and to the consortium's auditors.</p>`;
  },

  async tx(id) {
    const r = await api(`/v1/transactions/${encodeURIComponent(id)}`);
    const events = (r.events ?? []).map((e) => `<tr><td>${esc(e.contract)}.${esc(e.name)}</td><td><code>${esc(JSON.stringify(e.attributes))}</code></td></tr>`);
    return `<h2>Transaction</h2>${table(["Field", "Value"], [["Id", r.txId], ["Status", r.status],
        ["Block", r.height ?? ""], ["Result", r.valid === undefined || r.valid === null ? "" : r.valid ? "valid" : `invalid: ${r.reason}`]]
        .map(([k, v]) => `<tr><th>${k}</th><td class="hash">${esc(v)}</td></tr>`))}
      ${r.events ? `<h2>Events</h2>${table(["Event", "Attributes"], events)}` : `<p class="note" data-testid="tx-note">Whether it took effect, and what it did, is shown to those it concerns.</p>`}
      <p>Its sender (or the patient it concerns) gets its Merkle receipt with <code>careledger proof get ${esc(short(r.txId))} --as &lt;key&gt;</code> and verifies it offline with <code>careledger proof verify</code>.</p>`;
  },
};

async function render() {
  const [page, arg] = (location.hash.slice(1) || "overview").split("/");
  errorBox.hidden = true;
  try {
    view.innerHTML = await (pages[page] ?? pages.overview)(arg);
  } catch (e) {
    errorBox.textContent = e.message;
    errorBox.hidden = false;
    view.innerHTML = "";
  }
}

document.getElementById("lookup").addEventListener("submit", (e) => {
  e.preventDefault();
  const q = document.getElementById("lookup-input").value.trim();
  if (/^\d+$/.test(q)) location.hash = `block/${q}`;
  else if (/^[0-9a-fA-F]{64}$/.test(q)) api(`/v1/transactions/${q}`).then(() => (location.hash = `tx/${q}`), () => (location.hash = `block/${q}`));
  else { errorBox.textContent = "Enter a block height, a block hash or a transaction id (64 hex characters)."; errorBox.hidden = false; }
});
window.addEventListener("hashchange", render);
render();
