// Ferrum block explorer: reads the node's JSON-RPC at "/" and follows new heads over the same port's WebSocket.
// Plain JavaScript, no dependencies, no build step. Every value from the chain is escaped before it reaches the DOM.
'use strict';

// ---- HTML building (escaping by default) ----
class Raw { constructor(s) { this.s = s; } }
const raw = (s) => new Raw(s);
const esc = (v) => String(v).replace(/[&<>"']/g,
  (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
const piece = (v) => (v instanceof Raw ? v.s : Array.isArray(v) ? v.map(piece).join('') : esc(v ?? ''));
function html(strings, ...vals) {
  let out = strings[0];
  vals.forEach((v, i) => { out += piece(v) + strings[i + 1]; });
  return raw(out);
}

// ---- JSON-RPC ----
let rpcId = 0;
async function rpc(method, params = []) {
  const resp = await fetch('/', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params }),
  });
  const body = await resp.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}
const hex = (n) => '0x' + BigInt(n).toString(16);
const num = (h) => (h == null ? null : Number(BigInt(h)));

// ---- formatting ----
function units(value, decimals = 18, places = 6) {
  const v = BigInt(value ?? 0);
  const base = 10n ** BigInt(decimals);
  const whole = v / base;
  let frac = (v % base).toString().padStart(decimals, '0').slice(0, places).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}
// Amounts below a millionth of an ETH would print as 0: say them in gwei or wei.
const eth = (wei) => {
  const v = BigInt(wei ?? 0);
  if (v > 0n && v < 10n ** 12n) return v < 10n ** 9n ? `${v} wei` : `${units(v, 9)} gwei`;
  return `${units(v)} ETH`;
};
const short = (h) => (h && h.length > 18 ? `${h.slice(0, 10)}…${h.slice(-6)}` : h ?? '');
const ago = (secs) => {
  const d = Math.max(0, Math.round(Date.now() / 1000 - secs));
  return d < 60 ? `${d} s ago` : d < 3600 ? `${Math.floor(d / 60)} min ago` : `${Math.floor(d / 3600)} h ago`;
};
const when = (ms) => (ms ? new Date(ms).toISOString().replace('T', ' ').replace('.000Z', ' UTC') : '—');
const secs = (ms) => (ms == null ? '—' : `${(ms / 1000).toFixed(1)} s`);
const bytes = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);
const blockLink = (n) => html`<a href="#/block/${n}">${n}</a>`;
const batchLink = (n) => html`<a href="#/batch/${n}">#${n}</a>`;
const txLink = (h) => html`<a class="mono" data-tx="${h}" href="#/tx/${h}">${short(h)}</a>`;
const addrLink = (a) => (a ? html`<a class="mono" href="#/address/${a}">${short(a)}</a>` : html`<span class="muted">contract creation</span>`);
const addrFull = (a) => (a ? html`<a class="mono" href="#/address/${a}">${a}</a>` : html`<span class="muted">contract creation</span>`);

// ---- ERC-20 metadata (eth_call, cached) ----
const tokenCache = new Map();
function abiString(data) {
  if (!data || data.length < 130) return null;
  try {
    const len = Number(BigInt('0x' + data.slice(66, 130)));
    if (len > 256) return null;
    const b = data.slice(130, 130 + len * 2).match(/../g) || [];
    return new TextDecoder().decode(new Uint8Array(b.map((x) => parseInt(x, 16))));
  } catch { return null; }
}
async function call(to, data) {
  try { return await rpc('eth_call', [{ to, data }, 'latest']); } catch { return null; }
}
async function token(address) {
  const key = address.toLowerCase();
  if (!tokenCache.has(key)) {
    tokenCache.set(key, (async () => {
      const [name, symbol, decimals, supply] = await Promise.all(
        ['0x06fdde03', '0x95d89b41', '0x313ce567', '0x18160ddd'].map((s) => call(address, s)));
      if (!symbol || symbol === '0x') return null;
      // Whatever a contract answers: a 32-byte word at most 77 (10^77 fits a uint256), else 0 (raw units).
      const d = /^0x[0-9a-fA-F]{64}$/.test(decimals ?? '') ? BigInt(decimals) : 0n;
      return {
        address, name: abiString(name) ?? '?', symbol: abiString(symbol) ?? '?',
        decimals: d <= 77n ? Number(d) : 0,
        supply: /^0x[0-9a-fA-F]{64}$/.test(supply ?? '') ? BigInt(supply) : null,
      };
    })().catch(() => null));
  }
  return tokenCache.get(key);
}
const word = (a) => a.toLowerCase().replace(/^0x/, '').padStart(64, '0');

// ---- calldata and log decoding (ERC-20 and the L2 base token's withdrawals) ----
const TRANSFER = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const APPROVAL = '0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925';
const CALLS = {
  '0xa9059cbb': ['transfer', ['address to', 'uint256 amount']],
  '0x095ea7b3': ['approve', ['address spender', 'uint256 amount']],
  '0x23b872dd': ['transferFrom', ['address from', 'address to', 'uint256 amount']],
  '0x51cff8d9': ['withdraw', ['address l1Receiver']],
};
const argAddr = (w) => '0x' + w.slice(24);
async function decodeInput(to, input) {
  const sig = CALLS[(input || '').slice(0, 10)];
  if (!sig) return null;
  const words = input.slice(10).match(/.{64}/g) || [];
  if (words.length < sig[1].length) return null;
  const t = to ? await token(to) : null;
  const args = sig[1].map((p, i) => {
    const [type, name] = p.split(' ');
    if (type === 'address') return html`<dt>${name}</dt><dd>${addrLink(argAddr(words[i]))}</dd>`;
    const v = BigInt('0x' + words[i]);
    return html`<dt>${name}</dt><dd>${t ? `${units(v, t.decimals)} ${t.symbol}` : v.toString()}</dd>`;
  });
  return html`<p><code>${sig[0]}(${sig[1].join(', ')})</code></p><dl class="kv">${args}</dl>`;
}
async function decodeLog(log) {
  const t0 = log.topics[0];
  if ((t0 === TRANSFER || t0 === APPROVAL) && log.topics.length === 3) {
    const t = await token(log.address);
    const amount = BigInt(log.data === '0x' ? 0 : log.data.slice(0, 66));
    const [a, b] = [argAddr(log.topics[1].slice(2)), argAddr(log.topics[2].slice(2))];
    const what = t ? `${units(amount, t.decimals)} ${t.symbol}` : amount.toString();
    return t0 === TRANSFER
      ? html`<b>Transfer</b> ${what} from ${addrLink(a)} to ${addrLink(b)}`
      : html`<b>Approval</b> ${what}: owner ${addrLink(a)}, spender ${addrLink(b)}`;
  }
  return null;
}

// ---- state: recent blocks and transactions (kept up to date by the WebSocket) ----
const RECENT = 15;
let recentBlocks = [];
let recentTxs = [];
let lastRoute = null;
const view = () => document.getElementById('view');
// Each render gets a number; a slower, older one (e.g. a refresh started by a new block) must not replace it.
let renderSeq = 0;
let shownSeq = 0;
function show(content) {
  if (shownSeq !== renderSeq) return;
  view().innerHTML = piece(content);
}

function remember(block) {
  if (recentBlocks.some((b) => b.hash === block.hash)) return false;
  recentBlocks = [block, ...recentBlocks].sort((a, b) => num(b.number) - num(a.number)).slice(0, RECENT);
  const txs = block.transactions.map((t) => ({ ...t, timestamp: block.timestamp }));
  recentTxs = [...txs.reverse(), ...recentTxs].slice(0, RECENT);
  return true;
}

async function chainBanner() {
  const banner = document.getElementById('banner');
  try {
    const n = num(await rpc('zks_L1BatchNumber'));
    const d = n > 0 ? await rpc('zks_getL1BatchDetails', [n]) : null;
    if (d && d.warning) { banner.textContent = d.warning; banner.hidden = false; return; }
  } catch { /* not every node settles */ }
  banner.hidden = true;
}

// ---- pages ----
async function home() {
  const [chainId, head, batch] = await Promise.all([
    rpc('eth_chainId'), rpc('eth_blockNumber'), rpc('zks_L1BatchNumber').catch(() => null)]);
  if (recentBlocks.length === 0) {
    const h = num(head);
    const blocks = await Promise.all([...Array(Math.min(RECENT, h + 1)).keys()]
      .map((i) => rpc('eth_getBlockByNumber', [hex(h - i), true])));
    blocks.reverse().forEach((b) => b && remember(b));
  }
  const stat = (k, v, id) => html`<div class="panel stat"><div class="k">${k}</div><div class="v" ${raw(id ? `data-testid="${id}"` : '')}>${v}</div></div>`;
  show(html`
    <div class="stats">
      ${stat('Chain ID', num(chainId))}
      ${stat('Latest block', blockLink(recentBlocks[0] ? num(recentBlocks[0].number) : num(head)), 'head')}
      ${stat('Latest batch', batch != null ? batchLink(num(batch)) : '—')}
    </div>
    <div class="grid">
      <section class="panel"><h2>Latest blocks</h2><table data-testid="blocks">
        <tr><th>Block</th><th>Txs</th><th>Gas used</th><th>Age</th></tr>
        ${recentBlocks.map((b) => html`<tr><td>${blockLink(num(b.number))}</td><td>${b.transactions.length}</td>
          <td>${num(b.gasUsed).toLocaleString()}</td><td class="muted">${ago(num(b.timestamp))}</td></tr>`)}
      </table></section>
      <section class="panel"><h2>Latest transactions</h2><table data-testid="txs">
        <tr><th>Hash</th><th>From → To</th><th>Value</th></tr>
        ${recentTxs.map((t) => html`<tr><td>${txLink(t.hash)}</td><td>${addrLink(t.from)} → ${addrLink(t.to)}</td>
          <td>${eth(t.value)}</td></tr>`)}
        ${recentTxs.length ? '' : html`<tr><td colspan="3" class="muted">No transactions yet</td></tr>`}
      </table></section>
    </div>`);
}

async function blockPage(id) {
  const b = /^0x[0-9a-fA-F]{64}$/.test(id)
    ? await rpc('eth_getBlockByHash', [id, true])
    : await rpc('eth_getBlockByNumber', [hex(id), true]);
  if (!b) return show(html`<h1>Block ${id}</h1><p class="error">No such block (yet).</p>`);
  const n = num(b.number);
  const details = await rpc('zks_getBlockDetails', [n]).catch(() => null);
  show(html`<h1>Block ${n}</h1><div class="panel"><dl class="kv">
    <dt>Hash</dt><dd class="mono">${b.hash}</dd>
    <dt>Parent</dt><dd>${n > 0 ? html`<a class="mono" href="#/block/${n - 1}">${b.parentHash}</a>` : b.parentHash}</dd>
    <dt>Time</dt><dd>${new Date(num(b.timestamp) * 1000).toISOString()} (${ago(num(b.timestamp))})</dd>
    <dt>Transactions</dt><dd>${b.transactions.length}</dd>
    <dt>Gas used / limit</dt><dd>${num(b.gasUsed).toLocaleString()} / ${num(b.gasLimit).toLocaleString()}</dd>
    <dt>Base fee</dt><dd>${num(b.baseFeePerGas ?? 0).toLocaleString()} wei</dd>
    <dt>State root</dt><dd class="mono">${b.stateRoot}</dd>
    <dt>L1 batch</dt><dd>${details && details.l1BatchNumber != null
      ? html`${batchLink(details.l1BatchNumber)} <span class="badge">${details.status}</span>`
      : html`<span class="muted">open (not sealed yet)</span>`}</dd>
  </dl></div>
  <h2>Transactions</h2><div class="panel"><table>
    <tr><th>#</th><th>Hash</th><th>From → To</th><th>Value</th></tr>
    ${b.transactions.map((t, i) => html`<tr><td>${i}</td><td>${txLink(t.hash)}</td>
      <td>${addrLink(t.from)} → ${addrLink(t.to)}</td><td>${eth(t.value)}</td></tr>`)}
  </table></div>`);
}

async function txPage(hash) {
  const [t, r] = await Promise.all([
    rpc('eth_getTransactionByHash', [hash]), rpc('eth_getTransactionReceipt', [hash])]);
  if (!t) return show(html`<h1>Transaction</h1><p class="mono">${hash}</p><p class="error">Unknown transaction.</p>`);
  const details = await rpc('zks_getTransactionDetails', [hash]).catch(() => null);
  const status = !r ? html`<span class="badge warn">pending</span>`
    : r.status === '0x1' ? html`<span class="badge ok" data-testid="tx-status">success</span>`
      : html`<span class="badge bad" data-testid="tx-status">reverted</span>`;
  const decoded = await decodeInput(t.to, t.input);
  const logs = r ? await Promise.all(r.logs.map(async (l) => html`<tr><td>${num(l.logIndex)}</td>
      <td>${addrLink(l.address)}</td><td>${(await decodeLog(l)) ?? html`<span class="mono">${l.topics.join(' ')}<br>${l.data}</span>`}</td></tr>`)) : [];
  show(html`<h1>Transaction</h1><div class="panel"><dl class="kv">
    <dt>Hash</dt><dd class="mono">${t.hash}</dd>
    <dt>Status</dt><dd>${status}</dd>
    <dt>Block</dt><dd>${t.blockNumber ? blockLink(num(t.blockNumber)) : '—'}</dd>
    <dt>L1 batch</dt><dd>${r && r.l1BatchNumber != null ? batchLink(num(r.l1BatchNumber)) : html`<span class="muted">not sealed yet</span>`}
      ${details ? html` <span class="badge">${details.status}</span>` : ''}${details && details.warning ? html` <span class="badge bad">UNPROVEN</span>` : ''}</dd>
    <dt>Type</dt><dd>${t.type === '0xff' ? 'L1 → L2 priority transaction' : num(t.type)}</dd>
    <dt>From</dt><dd>${addrFull(t.from)}</dd>
    <dt>To</dt><dd>${r && r.contractAddress ? html`created ${addrFull(r.contractAddress)}` : addrFull(t.to)}</dd>
    <dt>Value</dt><dd>${eth(t.value)}</dd>
    <dt>Nonce</dt><dd>${num(t.nonce)}</dd>
    <dt>Gas used / limit</dt><dd>${r ? num(r.gasUsed).toLocaleString() : '—'} / ${num(t.gas).toLocaleString()}</dd>
    <dt>Fee</dt><dd>${r ? eth(BigInt(r.gasUsed) * BigInt(r.effectiveGasPrice)) : '—'}</dd>
  </dl></div>
  <h2>Input</h2><div class="panel">${decoded ?? ''}<pre>${t.input}</pre></div>
  <h2>Logs (${logs.length})</h2><div class="panel"><table><tr><th>#</th><th>Emitter</th><th>Event</th></tr>${logs}</table></div>`);
}

async function addressPage(address, before) {
  const [balance, nonce, code, page, tokens] = await Promise.all([
    rpc('eth_getBalance', [address, 'latest']), rpc('eth_getTransactionCount', [address, 'latest']),
    rpc('eth_getCode', [address, 'latest']),
    rpc('ferrum_getAddressTransactions', [address, 25, before ?? null]),
    rpc('ferrum_getTokens', [100]).catch(() => [])]);
  const isContract = code && code !== '0x';
  const self = isContract ? await token(address) : null;
  const holdings = (await Promise.all(tokens.map(async (tk) => {
    const [meta, bal] = await Promise.all([token(tk.address), call(tk.address, '0x70a08231' + word(address))]);
    if (!meta || !/^0x[0-9a-fA-F]{64}$/.test(bal ?? '') || BigInt(bal) === 0n) return null;
    return html`<tr><td><a href="#/address/${tk.address}">${meta.symbol}</a></td>
      <td>${units(BigInt(bal), meta.decimals)}</td></tr>`;
  }))).filter(Boolean);
  const older = page.next ? html`<button class="more" data-before="${page.next.block}:${page.next.index}">Older transactions</button>` : '';
  show(html`<h1>${isContract ? 'Contract' : 'Address'} <span class="mono">${address}</span></h1>
  <div class="panel"><dl class="kv">
    <dt>Balance</dt><dd data-testid="balance">${eth(balance)}</dd>
    <dt>Nonce</dt><dd>${num(nonce)}</dd>
    ${self ? html`<dt>Token</dt><dd>${self.name} (${self.symbol}), ${self.decimals} decimals, supply ${self.supply != null ? units(self.supply, self.decimals) : '?'}</dd>` : ''}
    <dt>Code</dt><dd>${isContract ? html`${(code.length - 2) / 2} bytes<details><summary>bytecode</summary><pre>${code}</pre></details>` : html`<span class="muted">none (an externally owned account)</span>`}</dd>
  </dl></div>
  ${holdings.length ? html`<h2>Tokens</h2><div class="panel"><table><tr><th>Token</th><th>Balance</th></tr>${holdings}</table></div>` : ''}
  <h2>Transactions${before ? ' (older)' : ''}</h2><div class="panel"><table data-testid="address-txs">
    <tr><th>Hash</th><th>Block</th><th>From → To</th><th>Value</th></tr>
    ${page.transactions.map((t) => html`<tr><td>${txLink(t.hash)}</td><td>${blockLink(num(t.blockNumber))}</td>
      <td>${addrLink(t.from)} → ${addrLink(t.to)}</td><td>${eth(t.value)}</td></tr>`)}
    ${page.transactions.length ? '' : html`<tr><td colspan="4" class="muted">None</td></tr>`}
  </table>${older}</div>`);
  const btn = view().querySelector('button.more');
  if (btn) btn.onclick = () => { location.hash = `#/address/${address}/${btn.dataset.before}`; };
}

async function tokensPage(after) {
  const list = await rpc('ferrum_getTokens', [100, after ?? null]);
  const rows = await Promise.all(list.map(async (t) => {
    const m = await token(t.address);
    return html`<tr><td>${addrLink(t.address)}</td><td>${m ? m.name : '?'}</td><td>${m ? m.symbol : '?'}</td>
      <td>${m && m.supply != null ? units(m.supply, m.decimals) : '?'}</td><td>${blockLink(num(t.firstBlock))}</td></tr>`;
  }));
  show(html`<h1>Tokens</h1><div class="panel"><table data-testid="tokens">
    <tr><th>Address</th><th>Name</th><th>Symbol</th><th>Supply</th><th>First transfer</th></tr>${rows}
    ${rows.length ? '' : html`<tr><td colspan="5" class="muted">No ERC-20 transfers yet</td></tr>`}</table>
    ${list.length === 100 ? html`<a class="more" href="#/tokens/${list[99].address}">Next tokens</a>` : ''}</div>`);
}

function statusBadge(status, unproven) {
  if (unproven && status.startsWith('proven')) return html`<span class="badge bad" data-testid="batch-status">proven (UNPROVEN)</span>`;
  const cls = status === 'executed' ? (unproven ? 'bad' : 'ok') : status === 'sealed' ? '' : 'warn';
  return html`<span class="badge ${cls}" data-testid="batch-status">${status}${unproven && status === 'executed' ? ' (UNPROVEN)' : ''}</span>`;
}

async function batchesPage() {
  const last = num(await rpc('zks_L1BatchNumber'));
  const ns = [...Array(Math.min(20, last + 1)).keys()].map((i) => last - i);
  const all = await Promise.all(ns.map((n) => rpc('zks_getL1BatchDetails', [n])));
  show(html`<h1>Batches</h1><div class="panel"><table data-testid="batches">
    <tr><th>Batch</th><th>Blocks</th><th>Txs</th><th>Status</th><th>Proof</th><th>Sealed</th></tr>
    ${all.filter(Boolean).map((b) => html`<tr><td>${batchLink(b.number)}</td>
      <td>${blockLink(b.firstBlock)}–${blockLink(b.lastBlock)}</td><td>${b.l1TxCount + b.l2TxCount}</td>
      <td>${statusBadge(b.status, b.unproven)}</td><td>${b.proof ? b.proof.status : html`<span class="muted">—</span>`}</td>
      <td class="muted">${ago(b.timestamp)}</td></tr>`)}
  </table></div>`);
}

function proofPanel(p) {
  if (!p) return html`<p class="muted">This node does not prove batches (no proof job).</p>`;
  const elapsed = p.startedAt ? (p.provenAt ?? Date.now()) - p.startedAt : null;
  const progress = p.status === 'proving'
    ? html`<dt>Progress</dt><dd data-testid="proof-progress">${p.segments} segment(s) proven of the run's ${p.cycles.toLocaleString()} cycles,
        ${secs(elapsed)} so far; last heartbeat ${when(p.heartbeatAt)}</dd>`
    : '';
  return html`<dl class="kv">
    <dt>Status</dt><dd><span class="badge ${p.status === 'proven' ? 'ok' : p.status === 'failed' ? 'bad' : 'warn'}" data-testid="proof-status">${p.status}</span></dd>
    ${progress}
    <dt>Prover</dt><dd>${p.worker || '—'} (attempt ${p.attempts})</dd>
    <dt>Queued</dt><dd>${when(p.queuedAt)}</dd>
    <dt>Started</dt><dd>${when(p.startedAt)}</dd>
    <dt>Proven</dt><dd>${when(p.provenAt)}</dd>
    <dt>Proving time</dt><dd>${secs(p.provingTimeMs)}</dd>
    <dt>Guest cycles</dt><dd>${p.cycles.toLocaleString()}</dd>
    <dt>Segments</dt><dd>${p.segments}</dd>
    <dt>Witness / proof</dt><dd>${bytes(p.witnessBytes)} / ${bytes(p.proofBytes)}</dd>
    ${p.error ? html`<dt>Error</dt><dd class="error">${p.error}</dd>` : ''}
  </dl>`;
}

async function batchPage(n) {
  const b = await rpc('zks_getL1BatchDetails', [Number(n)]);
  if (!b) {
    show(html`<h1>Batch #${n}</h1><p class="muted">Not sealed yet: this page follows it.</p>`);
    return pollAgain();
  }
  const stage = (name, done, hash, at) => html`<div class="step ${done ? 'done' : ''}" data-stage="${name}">
    ${done ? '✓ ' : ''}${name}<small>${hash ? html`L1 tx <span class="mono">${hash}</span>` : ''}${at ? html`<br>${at}` : ''}</small></div>`;
  const proven = b.proveTxHash != null;
  show(html`<h1>Batch #${b.number}</h1>
  ${b.warning ? html`<div class="warning" data-testid="unproven">${b.warning}</div>` : ''}
  <div class="steps" data-testid="lifecycle">
    ${stage('sealed', true, null, new Date(b.timestamp * 1000).toISOString())}
    ${stage('committed', b.commitTxHash != null, b.commitTxHash, b.committedAt)}
    ${stage(b.unproven ? 'proven (UNPROVEN)' : 'proven', proven, b.proveTxHash, b.provenAt)}
    ${stage('executed', b.executeTxHash != null, b.executeTxHash, b.executedAt)}
  </div>
  <div class="panel"><dl class="kv">
    <dt>Status</dt><dd>${statusBadge(b.status, b.unproven)}</dd>
    <dt>Blocks</dt><dd>${blockLink(b.firstBlock)} – ${blockLink(b.lastBlock)}</dd>
    <dt>Transactions</dt><dd>${b.l2TxCount} L2, ${b.l1TxCount} from L1</dd>
    <dt>State root</dt><dd class="mono">${b.rootHash}</dd>
    <dt>State commitment</dt><dd class="mono">${b.stateCommitment}</dd>
    <dt>Public input</dt><dd class="mono">${b.publicInput}</dd>
  </dl></div>
  <h2>Proof</h2><div class="panel">${proofPanel(b.proof)}</div>`);
  // Settlement and proving move on without new L2 blocks: poll until both are done.
  const proofDone = !b.proof || ['proven', 'failed'].includes(b.proof.status);
  if (b.status !== 'executed' || !proofDone) pollAgain();
}

// One timer re-renders the page shown while it waits for something outside the L2 chain (L1, a prover).
let pollTimer = null;
function pollAgain() {
  const shown = location.hash;
  clearTimeout(pollTimer);
  pollTimer = setTimeout(() => { if (location.hash === shown) render(); }, 1000);
}

// ---- routing ----
function route() { return (location.hash || '#/').slice(1).split('/').filter(Boolean); }
async function render() {
  shownSeq = ++renderSeq;
  const [page, a, b] = route();
  lastRoute = page ?? '';
  try {
    if (!page) await home();
    else if (page === 'block') await blockPage(a);
    else if (page === 'tx') await txPage(a);
    else if (page === 'address') {
      const before = b ? { block: hex(b.split(':')[0]), index: hex(b.split(':')[1]) } : null;
      await addressPage(a, before);
    } else if (page === 'tokens') await tokensPage(a);
    else if (page === 'batches') await batchesPage();
    else if (page === 'batch') await batchPage(a);
    else show(html`<p class="error">Unknown page.</p>`);
  } catch (e) {
    show(html`<p class="error">${e.message}</p>`);
  }
}

async function search(q) {
  q = q.trim();
  shownSeq = ++renderSeq;
  if (/^0x[0-9a-fA-F]{40}$/.test(q)) return (location.hash = `#/address/${q}`);
  if (/^\d+$/.test(q)) return (location.hash = `#/block/${q}`);
  const batch = q.match(/^(?:b|batch\s*)#?(\d+)$/i);
  if (batch) return (location.hash = `#/batch/${batch[1]}`);
  if (/^0x[0-9a-fA-F]{64}$/.test(q)) {
    if (await rpc('eth_getTransactionByHash', [q])) return (location.hash = `#/tx/${q}`);
    if (await rpc('eth_getBlockByHash', [q, false])) return (location.hash = `#/block/${q}`);
  }
  show(html`<p class="error">Nothing found for “${q}”: give a block number, b&lt;batch&gt;, a transaction or block hash, or an address.</p>`);
}

// ---- live updates ----
let refreshQueued = false;
function onHead(head) {
  rpc('eth_getBlockByNumber', [head.number, true]).then((block) => {
    if (block && remember(block) && lastRoute === '') render();
  }).catch(() => {});
  // Pages that change as the chain moves on (batch lifecycle, proof progress, pending transactions).
  if (['batch', 'batches', 'tx'].includes(lastRoute) && !refreshQueued) {
    refreshQueued = true;
    setTimeout(() => { refreshQueued = false; render(); chainBanner(); }, 300);
  }
}
function connect() {
  const live = document.getElementById('live');
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/`);
  ws.onopen = () => {
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['newHeads'] }));
    live.textContent = 'live'; live.className = 'live on';
  };
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.method === 'eth_subscription') onHead(msg.params.result);
  };
  ws.onclose = () => { live.textContent = 'offline'; live.className = 'live off'; setTimeout(connect, 1000); };
}

document.getElementById('search').addEventListener('submit', (e) => {
  e.preventDefault();
  search(document.getElementById('search-input').value).catch((err) => show(html`<p class="error">${err.message}</p>`));
});
window.addEventListener('hashchange', render);
render();
chainBanner();
connect();
