// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import SubmissionCard from './SubmissionCard.svelte';
import { DemoBackend } from '../backend/demo';
import type { SubmissionDetail } from '../backend/types';

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

/** The demo's uncertain submission (Lina Ström, October 2026). */
async function uncertainId(backend: DemoBackend): Promise<string> {
  const queue = await backend.submissionQueue();
  const item = queue.items.find((i) => i.state === 'uncertain');
  if (!item) throw new Error('the demo has an uncertain submission');
  return item.submission_id;
}

describe('the way out of an uncertain submission', () => {
  it('shows the time to quote to FK and refuses a typed tx-id that is not in FK’s form, saying why', async () => {
    const backend = new DemoBackend();
    const id = await uncertainId(backend);
    await show({ backend, submissionId: id });
    expect(byTestId('wayout-request-at')?.textContent, 'the request time is shown with its date').toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    expect(document.body.textContent).toContain('0771-17 90 00');
    const input = byTestId<HTMLInputElement>('wayout-txid');
    if (!input) throw new Error('the tx-id field is there');
    input.value = 'kvitto 12';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    byTestId<HTMLButtonElement>('wayout-received')?.click();
    await settle();
    expect(document.querySelector('[role="alert"]')?.textContent).toContain('0–9');
    const still = await backend.submissionDetail(id);
    expect(still.item.state, 'nothing is decided on a bad tx-id').toBe('uncertain');
  });

  it('stores "FK fick den" with the tx-id, and the card then says what was decided', async () => {
    const backend = new DemoBackend();
    const id = await uncertainId(backend);
    let decided: SubmissionDetail | null = null;
    await show({ backend, submissionId: id, ondecided: (d: SubmissionDetail) => (decided = d) });
    const input = byTestId<HTMLInputElement>('wayout-txid');
    if (!input) throw new Error('the tx-id field is there');
    input.value = '4A8DB4B8-BC29-4406-901C-3F69298CABE3';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    byTestId<HTMLButtonElement>('wayout-received')?.click();
    await settle();
    expect(decided).not.toBeNull();
    const after = await backend.submissionDetail(id);
    expect(after.item.state).toBe('accepted');
    expect(after.item.tx_id, 'stored in lowercase').toBe('4a8db4b8-bc29-4406-901c-3f69298cabe3');
    expect(byTestId('wayout-txid'), 'no more decisions').toBeNull();
  });

  it('asks before "Skicka inte"', async () => {
    const backend = new DemoBackend();
    const id = await uncertainId(backend);
    await show({ backend, submissionId: id });
    byTestId<HTMLButtonElement>('wayout-abandon')?.click();
    await settle();
    expect((await backend.submissionDetail(id)).item.state, 'one click does not decide').toBe('uncertain');
    byTestId<HTMLButtonElement>('wayout-abandon-confirm')?.click();
    await settle();
    expect((await backend.submissionDetail(id)).item.state).toBe('abandoned');
  });
});

describe('a rejection explained', () => {
  it("names the vendor as the one who fixes FK's signature fault, keeps FK's text verbatim and offers the problem report", async () => {
    const backend = new DemoBackend();
    await show({ backend, submissionId: 'sub-sep-1' });
    expect(byTestId('wayout-fixer')?.textContent).toContain('Leverantören');
    expect(document.body.textContent).toContain('SignatureValidationError: Signaturen för assistent kunde inte valideras.');
    expect(byTestId('wayout-txid'), 'a rejection takes no decision').toBeNull();
    byTestId<HTMLButtonElement>('wayout-diagnostics')?.click();
    await settle();
    expect(document.querySelector('[role="status"]')?.textContent).toContain('felrapport-inskickning-sub-sep-1.json');
  });
});
