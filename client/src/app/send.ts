// Everything that needs cryptography, loaded on demand (see services.ts): sealing a report
// and its files into the outbox, the outbox's sender, and follow-up with a receipt code.
import { type BoxPublicKey, normaliseReceiptCode } from '../envelope/index.ts';
import { fetchFollowUp, fetchNodeInfo, prepareReport, sendMessage } from '../intake/index.ts';
import { type Outbox, type OutboxRunner, createOutboxRunner, openOutbox, wipeOutbox } from '../outbox/index.ts';
import type { FollowUpView, OutboxView, SendReportInit } from './services.ts';

/** The app is served by the node it reports to. */
const NODE_URL = location.origin;

let outbox: Promise<Outbox> | undefined;
let nodeInfo: ReturnType<typeof fetchNodeInfo> | undefined;
let runner: OutboxRunner | undefined;
let listener: (view: OutboxView) => void = () => {};

/** The page's one outbox; a failed opening is tried again the next time. */
function openOnce(): Promise<Outbox> {
  outbox ??= openOutbox().catch((error: unknown) => {
    outbox = undefined;
    throw error;
  });
  return outbox;
}

/**
 * The node's public case key, fetched as soon as this code loads (while the reporter is
 * still answering), so a report can be sealed and queued even if the link is gone by then.
 */
function caseKey() {
  nodeInfo ??= fetchNodeInfo(NODE_URL).catch((error: unknown) => {
    nodeInfo = undefined;
    throw error;
  });
  return nodeInfo.then((info) => info.casePublicKey);
}
void caseKey().catch(() => undefined);

/** Quick exit: stops sending and deletes the outbox (services.ts calls this). */
export async function stopAndWipe(): Promise<void> {
  await runner?.stop();
  (await outbox?.catch(() => undefined))?.close();
  await wipeOutbox();
}

/** Starts sending whatever waits (after a reload too) and reports progress to the page. */
export function startOutbox(onChange: (view: OutboxView) => void): void {
  listener = onChange;
  if (runner) return;
  void openOnce().then((opened) => {
    if (runner) return;
    runner = createOutboxRunner({
      nodeUrl: NODE_URL,
      outbox: opened,
      onChange: (items) => listener({ items, persistent: opened.persistent }),
    });
    runner.start();
  });
}

/**
 * Seals the report and every file (a slice at a time, never a whole file in memory) into
 * the outbox, which sends them when it can. The receipt code is made first, as all of it is
 * kept sealed under a key derived from the code; it is returned to be shown once.
 */
export async function sendReport(init: SendReportInit): Promise<{ receiptCode: string }> {
  const casePublicKey = await caseKey();
  const box = await openOnce();
  const prepared = await prepareReport({ casePublicKey, document: init.document, shared: init.shared });
  await box.unlock(prepared.receiptCode);
  const batch = { receiptCode: prepared.receiptCode, casePublicKey, files: init.files, onProgress: init.onProgress };
  await stageAndQueue(box, batch, (ids) => box.queueReport(prepared, ids));
  return { receiptCode: prepared.receiptCode };
}

export async function addEvidence(code: string, files: readonly File[]): Promise<void> {
  const receiptCode = normaliseReceiptCode(code);
  const casePublicKey = await caseKey();
  const box = await openOnce();
  await box.unlock(receiptCode);
  await stageAndQueue(box, { receiptCode, casePublicKey, files }, (ids) => box.attachEvidence(receiptCode, ids));
}

/**
 * Opens what waits in the outbox under this code (kept from an earlier page), and sends it.
 * False when the code opens nothing; ReceiptCodeError when it has a typing mistake.
 */
export async function unlockOutbox(code: string): Promise<boolean> {
  const receiptCode = normaliseReceiptCode(code);
  // Unlocking what it opens tells the sender, which starts on it at once.
  return (await openOnce()).unlock(receiptCode);
}

/** Removes an item the node refused, or what waits for a receipt code the reporter lost. */
export async function discardOutboxItem(id: string): Promise<void> {
  await (await openOnce()).discard(id);
}

export async function followUp(code: string): Promise<FollowUpView> {
  const receiptCode = normaliseReceiptCode(code);
  // The reporter typed their code: anything of theirs still waiting here can go now. Best
  // effort: follow-up does not depend on the outbox (closed after a quick exit elsewhere).
  if (outbox) await outbox.then((box) => box.unlock(receiptCode)).catch(() => false);
  const found = await fetchFollowUp(NODE_URL, receiptCode);
  return {
    status: found.status,
    evidence: found.evidence,
    messages: found.messages.map((m) => ({ id: m.id, author: m.author, ...(m.readable && { text: m.text }) })),
  };
}

export async function sendFollowUpMessage(code: string, text: string): Promise<void> {
  await sendMessage(NODE_URL, normaliseReceiptCode(code), await caseKey(), text);
}

interface Batch {
  readonly receiptCode: string;
  readonly casePublicKey: BoxPublicKey;
  readonly files: readonly File[];
  readonly onProgress?: (done: number, total: number) => void;
}

/** Stages each file under the code, then queues them; if either fails, what this attempt staged goes. */
async function stageAndQueue(box: Outbox, batch: Batch, queue: (evidenceIds: string[]) => Promise<unknown>) {
  const { receiptCode, casePublicKey, files, onProgress = () => {} } = batch;
  const total = files.reduce((sum, file) => sum + file.size, 0);
  const ids: string[] = [];
  try {
    let before = 0;
    for (const file of files) {
      const staged = await box.stageEvidence(receiptCode, file, casePublicKey, {
        onProgress: (done, of) => onProgress(before + Math.round((done / Math.max(of, 1)) * file.size), total),
      });
      ids.push(staged.id);
      before += file.size;
    }
    await queue(ids);
  } catch (error) {
    // So a retry (after freeing space, say) does not stage everything again on top. What
    // cannot be discarded now is pending ciphertext, which the next page's openOutbox removes.
    await Promise.allSettled(ids.map((id) => box.discard(id)));
    throw error;
  }
}
