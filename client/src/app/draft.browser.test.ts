// Drafts in a real Chromium: kept only under the reporter's passcode.
import { equal, ok, rejects } from '../../test-support/assert.ts';
import { before, describe, it } from '../../test-support/mocha.ts';
import { DRAFT_DATABASE, deleteDraft, hasDraft, openDraft, saveDraft } from './draft.ts';

const MARKER = 'DRAFT-MARKER-at-the-checkpoint';

/** Every byte IndexedDB holds for the draft, as text: the stored record, structured-cloned. */
async function storedRecord(): Promise<string> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DRAFT_DATABASE);
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const get = open.result.transaction('draft').objectStore('draft').get('current');
      get.onsuccess = () => {
        const record = get.result as { salt: Uint8Array; iv: Uint8Array; ct: ArrayBuffer };
        open.result.close();
        resolve(
          JSON.stringify(record) + new TextDecoder('latin1').decode(record.ct) + new TextDecoder().decode(record.ct),
        );
      };
    };
  });
}

describe('drafts', () => {
  before(() => deleteDraft());

  it('keeps nothing until asked', async () => {
    equal(await hasDraft(), false);
    equal(
      (await indexedDB.databases()).some((db) => db.name === DRAFT_DATABASE),
      false,
    );
  });

  it('stores the answers only encrypted, and opens them with the passcode', async () => {
    await saveDraft({ answers: { narrative: MARKER }, step: 3 }, 'correct horse');
    equal(await hasDraft(), true);
    ok(!(await storedRecord()).includes(MARKER), 'the stored draft holds no plaintext');
    const opened = (await openDraft('correct horse')) as { answers: { narrative: string }; step: number };
    equal(opened.answers.narrative, MARKER);
    equal(opened.step, 3);
  });

  it('refuses a wrong passcode, and a passcode that is too short', async () => {
    await rejects(() => openDraft('wrong horse'), 'DraftPasscodeError');
    await rejects(() => saveDraft({}, '12345'), 'DraftPasscodeError');
  });

  it('is gone once deleted', async () => {
    await deleteDraft();
    equal(await hasDraft(), false);
    equal(await openDraft('correct horse'), undefined);
    equal(
      (await indexedDB.databases()).some((db) => db.name === DRAFT_DATABASE),
      false,
      'looking left no trace',
    );
  });
});
