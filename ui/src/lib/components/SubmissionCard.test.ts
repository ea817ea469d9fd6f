// @vitest-environment happy-dom
// The submission card against the real Rust demo's recorded answers (src-tauri's spec test
// `fixtures`): the uncertain and the refused submission are those the recorded run left, and
// every answer to a decision — Rust's refusal of a mistyped tx-id included — is Rust's.
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import SubmissionCard from './SubmissionCard.svelte';
import { DEMO_REJECTED_ID, DEMO_UNCERTAIN_ID, DemoBackend } from '../backend/demo';
import type { SubmissionDetail } from '../backend/types';
import flows from '../backend/fixtures/flows.json';

let shown: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (shown) unmount(shown);
  shown = null;
  document.body.innerHTML = '';
});

async function settle() {
  for (let i = 0; i < 4; i++) {
    flushSync();
    await tick();
    await new Promise((r) => setTimeout(r, 0));
  }
  flushSync();
}

async function show(props: Record<string, unknown>) {
  shown = mount(SubmissionCard, { target: document.body, props: props as never });
  await settle();
}

const byTestId = <T extends HTMLElement>(id: string) => document.querySelector(`[data-testid="${id}"]`) as T | null;

/** Types `text` into the tx-id field and presses "FK fick den". */
async function typeTxId(text: string) {
  const input = byTestId<HTMLInputElement>('wayout-txid');
  if (!input) throw new Error('the tx-id field is there');
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  byTestId<HTMLButtonElement>('wayout-received')?.click();
  await settle();
}

/** The decision the recorded coordinator typed for "FK fick den". */
const RECORDED_TX_ID: string = (() => {
  const d = flows.way_out.decisions.find((x) => x.decision.kind === 'accepted')?.decision;
  if (!d || !('tx_id' in d) || typeof d.tx_id !== 'string') throw new Error('the recording has "FK fick den" with a tx-id');
  return d.tx_id;
})();

describe('the way out of an uncertain submission', () => {
  it('is the one the recorded run left uncertain', async () => {
    const queue = await new DemoBackend().submissionQueue();
    expect(
      queue.items.find((i) => i.submission_id === DEMO_UNCERTAIN_ID)?.state,
      'FK cut the connection after the request in the recorded run',
    ).toBe('uncertain');
  });

  it('shows the time to quote to FK and the trail, and shows Rust\'s refusal of a typed tx-id that is not in FK\'s form', async () => {
    const backend = new DemoBackend();
    await show({ backend, submissionId: DEMO_UNCERTAIN_ID });
    expect(byTestId('wayout-request-at')?.textContent, 'the request time is shown with its date').toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    expect(document.body.textContent, "FK's partner support, to ask whether it arrived").toContain('0771-17 90 00');
    await typeTxId('kvitto 12');
    const alert = document.querySelector('[role="alert"]')?.textContent ?? '';
    expect(alert, "Rust's words: what is wrong with the typed value and what a tx-id looks like").toContain('kvitto 12');
    expect(alert).toContain('8-4-4-4-12');
    expect(alert).toContain('0–9');
    const still = await backend.submissionDetail(DEMO_UNCERTAIN_ID);
    expect(still.item.state, 'nothing is decided on a bad tx-id').toBe('uncertain');
    expect(byTestId('wayout-txid'), 'the decision can still be taken').not.toBeNull();
  });

  it('stores "FK fick den" with the tx-id, and the card then says what was decided', async () => {
    const backend = new DemoBackend();
    let decided: SubmissionDetail | null = null;
    await show({ backend, submissionId: DEMO_UNCERTAIN_ID, ondecided: (d: SubmissionDetail) => (decided = d) });
    await typeTxId(RECORDED_TX_ID);
    expect(decided, 'the card tells its screen').not.toBeNull();
    const after = await backend.submissionDetail(DEMO_UNCERTAIN_ID);
    expect(after.item.state).toBe('accepted');
    expect(after.item.tx_id, 'Rust keeps the tx-id in lowercase').toBe(RECORDED_TX_ID.toLowerCase());
    expect(after.trail.at(-1)?.kind, 'the decision is in the trail').toBe('submission_resolved');
    expect(byTestId('wayout-txid'), 'no more decisions').toBeNull();
    expect(document.querySelector('[role="status"]')?.textContent, 'the card says what was decided').toBeTruthy();
    const queue = await backend.submissionQueue();
    expect(queue.items.find((i) => i.submission_id === DEMO_UNCERTAIN_ID)?.state, 'the queue shows the decision too').toBe('accepted');
  });

  it('asks before "Skicka inte"', async () => {
    const backend = new DemoBackend();
    await show({ backend, submissionId: DEMO_UNCERTAIN_ID });
    byTestId<HTMLButtonElement>('wayout-abandon')?.click();
    await settle();
    expect((await backend.submissionDetail(DEMO_UNCERTAIN_ID)).item.state, 'one click does not decide').toBe('uncertain');
    byTestId<HTMLButtonElement>('wayout-abandon-confirm')?.click();
    await settle();
    expect((await backend.submissionDetail(DEMO_UNCERTAIN_ID)).item.state).toBe('abandoned');
  });

  it('puts it back in the queue on "Skicka igen"', async () => {
    const backend = new DemoBackend();
    await show({ backend, submissionId: DEMO_UNCERTAIN_ID });
    byTestId<HTMLButtonElement>('wayout-resend')?.click();
    await settle();
    expect((await backend.submissionDetail(DEMO_UNCERTAIN_ID)).item.state, 'it goes with the next run').toBe('queued');
  });

  it('says plainly that a decision the recording does not have is not in the browser demo', async () => {
    const backend = new DemoBackend();
    await show({ backend, submissionId: DEMO_UNCERTAIN_ID });
    await typeTxId('11111111-2222-4333-8444-555555555555');
    expect(document.querySelector('[role="alert"]')?.textContent, 'not a rule of its own: only what was recorded').toContain('spelades inte in');
    expect((await backend.submissionDetail(DEMO_UNCERTAIN_ID)).item.state).toBe('uncertain');
  });
});

describe('a rejection explained', () => {
  it("names the vendor as the one who fixes FK's schema finding, keeps FK's text verbatim beside the plain one and takes no decision", async () => {
    const backend = new DemoBackend();
    await show({ backend, submissionId: DEMO_REJECTED_ID });
    expect(byTestId('wayout-fixer')?.textContent, 'a file Assistid wrote is the vendor’s to fix').toContain('Leverantören');
    expect(document.body.textContent, "FK's own words").toContain("The value '8.30' of element 'fromTid' is not valid.");
    expect(document.body.textContent, 'and what they mean').toContain('starttiden');
    expect(document.body.textContent, "the vendor's support, to send the problem report to").toContain('08-555 010 00');
    expect(byTestId('wayout-txid'), 'a rejection takes no decision').toBeNull();
    expect(byTestId('wayout-diagnostics'), 'the problem report is offered').not.toBeNull();
  });
});
