// Drives the block explorer of a running node in headless chromium and checks what a user sees.
// Usage: node explorer.mjs <node URL> <raw signed tx hex> <ERC-20 transfer tx hash> <screenshot dir>
// Sends the raw transaction itself (so it knows when its receipt exists) and fails (exit 1) when:
//  - the page does not load or its WebSocket does not connect,
//  - the new transaction is not on the page within 1 s of its receipt,
//  - a link (transaction, address, block) or the search box leads to the wrong page,
//  - the ERC-20 transfer is not decoded, the token not listed,
//  - the transaction's batch, shown while not yet executed, is not shown executed on L1 within 90 s.
// Prints one JSON line of what it measured; writes PNG screenshots of each page to the screenshot dir.
import puppeteer from 'puppeteer-core';
import fs from 'node:fs';
import path from 'node:path';

const [url, rawTx, tokenTransfer, shots] = process.argv.slice(2);
if (!url || !rawTx || !tokenTransfer || !shots) {
  console.error('usage: node explorer.mjs <node URL> <raw tx hex> <ERC-20 transfer hash> <screenshot dir>');
  process.exit(2);
}
const chromium = process.env.CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome']
  .find((p) => fs.existsSync(p));
if (!chromium) {
  console.error('no chromium found (apt-get install chromium, or set CHROMIUM)');
  process.exit(2);
}
fs.mkdirSync(shots, { recursive: true });

async function rpc(method, params) {
  const r = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await r.json();
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}
function check(cond, what) {
  if (!cond) throw new Error(`check failed: ${what}`);
}

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const measured = {};
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  const shot = (name) => page.screenshot({ path: path.join(shots, `explorer-${name}.png`), fullPage: true });

  // The node's root redirects a browser to the explorer.
  const resp = await page.goto(url, { waitUntil: 'load' });
  check(resp.url().endsWith('/explorer/'), `GET / lands on /explorer/ (got ${resp.url()})`);
  await page.waitForSelector('#live.on', { timeout: 10_000 });
  await page.waitForSelector('[data-testid=blocks] a', { timeout: 10_000 });

  // A new transaction appears within a second of its receipt.
  const hash = await rpc('eth_sendRawTransaction', [rawTx]);
  const shown = page.waitForSelector(`[data-testid=txs] [data-tx="${hash}"]`, { timeout: 10_000 })
    .then(() => performance.now(), (e) => e);
  let receiptAt = null;
  const receiptDeadline = Date.now() + 10_000;
  while (receiptAt === null && Date.now() < receiptDeadline) {
    if (await rpc('eth_getTransactionReceipt', [hash])) receiptAt = performance.now();
    else await new Promise((r) => setTimeout(r, 5));
  }
  check(receiptAt !== null, 'a receipt within 10 s');
  const shownAt = await shown;
  if (shownAt instanceof Error) throw shownAt;
  measured.shownAfterReceiptMs = Math.round(shownAt - receiptAt);
  check(shownAt - receiptAt <= 1000, `transaction shown ${measured.shownAfterReceiptMs} ms after its receipt (≤ 1000)`);
  await shot('home');

  // The transaction's batch, shown as soon as it is sealed, goes on to executed on L1 without a reload.
  let batch = null;
  const sealDeadline = Date.now() + 30_000;
  while (batch === null && Date.now() < sealDeadline) {
    const r = await rpc('eth_getTransactionReceipt', [hash]);
    if (r.l1BatchNumber) batch = Number(BigInt(r.l1BatchNumber));
    else await new Promise((res) => setTimeout(res, 50));
  }
  check(batch !== null, 'the transaction was sealed into a batch within 30 s');
  await page.goto(`${url}/explorer/#/batch/${batch}`, { waitUntil: 'load' });
  await page.waitForSelector('[data-testid=lifecycle]', { timeout: 10_000 });
  measured.batch = batch;
  measured.firstShownStatus = await page.$eval('[data-testid=batch-status]', (e) => e.textContent);
  check(!(await page.$eval('[data-stage=executed]', (e) => e.classList.contains('done'))),
    `the batch is not executed yet when first shown (${measured.firstShownStatus})`);
  const t0 = performance.now();
  await page.waitForSelector('[data-stage=executed].done', { timeout: 90_000 });
  measured.executedShownAfterMs = Math.round(performance.now() - t0);
  const batchText = await page.$eval('#view', (e) => e.textContent);
  check(batchText.includes('UNPROVEN'), 'an insecure-verifier batch carries the UNPROVEN warning');
  await shot('batch');

  // Follow the link to the transaction.
  await page.goto(`${url}/explorer/`, { waitUntil: 'load' });
  await page.waitForSelector(`[data-testid=txs] [data-tx="${hash}"]`, { timeout: 10_000 });
  await page.click(`[data-testid=txs] [data-tx="${hash}"]`);
  await page.waitForSelector('[data-testid=tx-status]', { timeout: 10_000 });
  check((await page.$eval('[data-testid=tx-status]', (e) => e.textContent)) === 'success', 'transaction succeeded');
  check((await page.$eval('#view', (e) => e.textContent)).includes(hash), 'transaction page shows its hash');
  await shot('transaction');

  // Its sender's page lists it.
  const from = (await rpc('eth_getTransactionByHash', [hash])).from;
  await page.click(`a[href="#/address/${from}"]`);
  await page.waitForSelector(`[data-testid=address-txs] [data-tx="${hash}"]`, { timeout: 10_000 });
  await shot('address');

  // The ERC-20 transfer is decoded (input and log), and its token is listed.
  await page.goto(`${url}/explorer/#/tx/${tokenTransfer}`, { waitUntil: 'load' });
  await page.waitForSelector('[data-testid=tx-status]', { timeout: 10_000 });
  const text = await page.$eval('#view', (e) => e.textContent);
  check(text.includes('transfer(address to, uint256 amount)'), 'ERC-20 transfer input decoded');
  check(/Transfer\s+[\d.]+ BENCH from/.test(text), 'ERC-20 Transfer log decoded with the symbol');
  await shot('token-transfer');
  await page.goto(`${url}/explorer/#/tokens`, { waitUntil: 'load' });
  await page.waitForFunction(() => document.querySelector('[data-testid=tokens]')?.textContent.includes('BENCH'),
    { timeout: 10_000 });
  await shot('tokens');

  // The search box finds a block by number.
  const receipt = await rpc('eth_getTransactionReceipt', [hash]);
  const blockNumber = Number(BigInt(receipt.blockNumber));
  await page.type('#search-input', String(blockNumber));
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) => document.querySelector('h1')?.textContent === `Block ${n}`, { timeout: 10_000 },
    blockNumber);
  check((await page.$eval('#view', (e) => e.textContent)).includes(hash.slice(0, 10)), 'block lists the transaction');
  await shot('block');

  await page.goto(`${url}/explorer/#/batches`, { waitUntil: 'load' });
  await page.waitForSelector('[data-testid=batches] a', { timeout: 10_000 });
  await shot('batches');

  check(pageErrors.length === 0, `no script errors on the page: ${pageErrors.join('; ')}`);
  console.log(JSON.stringify({ ok: true, ...measured }));
} catch (e) {
  console.error(e.stack ?? String(e));
  console.log(JSON.stringify({ ok: false, error: String(e.message ?? e), ...measured }));
  process.exitCode = 1;
} finally {
  await browser.close();
}
