// Everything that needs cryptography, loaded on demand (see services.ts): sealing a report
// and its files into the outbox, the outbox's sender, and follow-up with a receipt code.
import { deriveReceiptKeys, normaliseReceiptCode } from '../envelope/index.ts';
import { fetchFollowUp, fetchNodeInfo, prepareReport, sendMessage } from '../intake/index.ts';
import { type Outbox, type OutboxRunner, createOutboxRunner, openOutbox, wipeOutbox } from '../outbox/index.ts';
import { onQuickExit } from './quick-exit.ts';
import type { FollowUpView, OutboxView, SendReportInit } from './services.ts';

/** The app is served by the node it reports to. */
const NODE_URL = location.origin;

let outbox: Promise<Outbox> | undefined;
let nodeInfo: ReturnType<typeof fetchNodeInfo> | undefined;
let runner: OutboxRunner | undefined;
let listener: (view: OutboxView) => void = () => {};

const openOnce = () => (outbox ??= openOutbox());

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

onQuickExit(async () => {
  await runner?.stop();
  (await outbox)?.close();
  await wipeOutbox();
});

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
 * the outbox, which sends them when it can. The receipt code is returned to be shown once.
 */
export async function sendReport(init: SendReportInit): Promise<{ receiptCode: string }> {
  const casePublicKey = await caseKey();
  const box = await openOnce();
  const evidenceIds = await stageAll(box, casePublicKey, init.files, init.onProgress);
  const prepared = await prepareReport({ casePublicKey, document: init.document, shared: init.shared });
  await box.queueReport(prepared, evidenceIds);
  return { receiptCode: prepared.receiptCode };
}

export async function addEvidence(code: string, files: readonly File[]): Promise<void> {
  const { lookup } = deriveReceiptKeys(normaliseReceiptCode(code));
  const casePublicKey = await caseKey();
  const box = await openOnce();
  await box.attachEvidence(lookup, await stageAll(box, casePublicKey, files, () => {}));
}

export async function followUp(code: string): Promise<FollowUpView> {
  const found = await fetchFollowUp(NODE_URL, normaliseReceiptCode(code));
  return {
    status: found.status,
    evidence: found.evidence,
    messages: found.messages.map((m) => ({ id: m.id, author: m.author, ...(m.readable && { text: m.text }) })),
  };
}

export async function sendFollowUpMessage(code: string, text: string): Promise<void> {
  await sendMessage(NODE_URL, normaliseReceiptCode(code), await caseKey(), text);
}

async function stageAll(
  box: Outbox,
  casePublicKey: Parameters<Outbox['stageEvidence']>[1],
  files: readonly File[],
  onProgress: (done: number, total: number) => void,
): Promise<string[]> {
  const total = files.reduce((sum, file) => sum + file.size, 0);
  const ids: string[] = [];
  let before = 0;
  for (const file of files) {
    const staged = await box.stageEvidence(file, casePublicKey, {
      onProgress: (done, of) => onProgress(before + Math.round((done / Math.max(of, 1)) * file.size), total),
    });
    ids.push(staged.id);
    before += file.size;
  }
  return ids;
}
