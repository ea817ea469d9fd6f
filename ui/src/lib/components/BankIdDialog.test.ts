// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync, mount, tick, unmount } from 'svelte';
import BankIdDialog from './BankIdDialog.svelte';
import type { Backend } from '../backend/backend';
import type { CallInitiator, SignOrder, SignStatus } from '../backend/types';
import { DemoBackend } from '../backend/demo';
import flows from '../backend/fixtures/flows.json';

// happy-dom's <dialog> may lack showModal; the dialog only needs it to open.
if (!('showModal' in HTMLDialogElement.prototype) || typeof HTMLDialogElement.prototype.showModal !== 'function') {
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
}

function order(callInitiator: CallInitiator | null, role: SignOrder['role'] = 'assistant'): SignOrder {
  return {
    order_ref: 'o1',
    role,
    signer_name: 'Anna Berg',
    user_visible_text: 'Rapport',
    report_ids: ['r1'],
    call_initiator: callInitiator,
  };
}

function fakeBackend(status: SignStatus) {
  let push: ((s: SignStatus) => void) | null = null;
  const backend = {
    onSignStatus: vi.fn(async (_ref: string, l: (s: SignStatus) => void) => {
      push = l;
      l(status);
      return () => {};
    }),
    qrFrame: vi.fn(async () => '<svg></svg>'),
    cancelSigning: vi.fn(async () => {}),
    openBankIdOnThisComputer: vi.fn(async () => {}),
    simulateBankIdApp: vi.fn(async () => {}),
  };
  return { backend, push: (s: SignStatus) => push?.(s) };
}

const pending = (qrDone: boolean, id = 'RFA1', text = 'Starta BankID-appen.'): SignStatus => ({
  order_ref: 'o1',
  status: 'pending',
  hint_code: null,
  message: { id, text },
  signed_by: null,
  qr_done: qrDone,
});

let shown: ReturnType<typeof mount> | null = null;
afterEach(() => {
  if (shown) unmount(shown);
  shown = null;
  document.body.innerHTML = '';
});

async function show(props: Record<string, unknown>) {
  shown = mount(BankIdDialog, { target: document.body, props: props as never });
  flushSync();
  await tick();
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
}

const button = (label: string) =>
  [...document.querySelectorAll('button')].find((b) => (b.textContent ?? '').includes(label)) as HTMLButtonElement | undefined;

describe('the signing dialog: "Signera via telefonsamtal"', () => {
  it("offers the phone next to the QR code, shows the assistant's number as a tel: link and starts a phone order with who called", async () => {
    const { backend } = fakeBackend(pending(false));
    const onphone = vi.fn();
    await show({ backend: backend as unknown as Backend, order: order(null), demo: false, signerPhone: '070-111 22 33', onretry: () => {}, onphone, onclose: () => {} });
    const choose = document.querySelector<HTMLButtonElement>('[data-testid=phone-sign]');
    expect(choose, 'the choice sits beside the QR code while the order waits').not.toBeNull();
    choose?.click();
    flushSync();
    const tel = document.querySelector<HTMLAnchorElement>('[data-testid=phone-panel] a.tel');
    expect(tel?.getAttribute('href'), 'the coordinator dials the register number with one click').toBe('tel:0701112233');
    const user = document.querySelector<HTMLInputElement>('input[name=call-initiator][value=user]');
    expect(user, 'the coordinator says who called whom').not.toBeNull();
    user?.click();
    flushSync();
    document.querySelector<HTMLButtonElement>('[data-testid=phone-start]')?.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(backend.cancelSigning, 'the QR order is cancelled before the phone order starts').toHaveBeenCalledWith('o1');
    expect(onphone, 'the phone order is started as the assistant calling us').toHaveBeenCalledWith('user');
  });

  it("says so when the signatory's number is not stored", async () => {
    const { backend } = fakeBackend(pending(false));
    await show({ backend: backend as unknown as Backend, order: order(null, 'provider'), demo: false, signerPhone: null, onretry: () => {}, onphone: () => {}, onclose: () => {} });
    document.querySelector<HTMLButtonElement>('[data-testid=phone-sign]')?.click();
    flushSync();
    const panel = document.querySelector('[data-testid=phone-panel]')?.textContent ?? '';
    expect(panel, 'no number: the coordinator is told to call the one they have').toContain('sparar inte');
    expect(document.querySelector('[data-testid=phone-panel] a.tel'), 'and no link to a wrong number').toBeNull();
  });

  it("shows a running phone order's BankID status live, without a QR code, and cancels it", async () => {
    const { backend, push } = fakeBackend(pending(true, 'ASSISTID-PHONE-STARTING', 'Skickar ordern.'));
    await show({ backend: backend as unknown as Backend, order: order('rp'), demo: false, signerPhone: '070-111 22 33', onretry: () => {}, onclose: () => {} });
    expect(document.querySelector('.qr'), 'a phone order has no QR code').toBeNull();
    expect(backend.qrFrame, 'and none is asked for').not.toHaveBeenCalled();
    expect(document.querySelector('[data-testid=phone-call]')?.textContent, 'the dialog says who called').toContain('vi ringde upp Anna Berg');
    push(pending(true, 'ASSISTID-PHONE-CONFIRM', 'Bekräfta i BankID-appen att du är i ett samtal med oss.'));
    flushSync();
    expect(document.querySelector('.message')?.textContent, "BankID's status is shown as it comes").toContain('Bekräfta i BankID-appen');
    button('Avbryt')?.click();
    await new Promise((r) => setTimeout(r, 0));
    expect(backend.cancelSigning, 'the coordinator can cancel the phone order').toHaveBeenCalledWith('o1');
  });
});

describe('the signing dialog against the recorded Rust signing flows', () => {
  /** The recorded flow for `call` (src-tauri/tests/spec/fixtures/signing_flow.rs). */
  const recorded = (call: CallInitiator | null) => {
    const f = flows.signing.find((x) => x.call_initiator === call);
    if (!f) throw new Error(`the recording has a ${call ?? 'QR'} signing flow`);
    return f;
  };
  const message = () => document.querySelector('.message')?.textContent ?? '';
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("plays a phone order's recorded BankID statuses, without a QR code, until it is signed", async () => {
    const f = recorded('user');
    const backend = new DemoBackend({ eventIntervalMs: 5 });
    const signOrder = await backend.startSigning(f.report_id, 'provider', 'user');
    const seen: string[] = [];
    await backend.onSignStatus(signOrder.order_ref, (s) => seen.push(s.message.id));
    await show({ backend, order: signOrder, demo: true, signerPhone: null, onretry: () => {}, onclose: () => {} });
    expect(document.querySelector('.qr'), 'a phone order has no QR code').toBeNull();
    expect(message(), 'the first status the desktop shows for a phone order').toContain('Skickar ordern till BankID-appen');
    expect(document.querySelector('[data-testid=phone-call]')?.textContent, 'the dialog says who called').toContain(signOrder.signer_name);
    button('Godkänn')?.click();
    await wait(60);
    flushSync();
    expect(seen, 'the statuses as the desktop emitted them, in order').toEqual(f.flow.statuses.sv.map((s) => s.message.id));
    expect(seen, 'the signer is asked to confirm the call').toContain('ASSISTID-PHONE-CONFIRM');
    expect(message(), 'and the dialog ends signed').toContain(signOrder.signer_name);
    expect(document.querySelector('.message')?.classList.contains('complete')).toBe(true);
    const report = (await backend.monthOverview('2026-10')).reports.find((r) => r.report_id === f.report_id);
    expect(report?.signed_by_provider_at, "the overview shows the provider's signature, as Rust did after it").not.toBeNull();
  });

  it('shows the recorded QR code for a QR order and refuses a simulated action that was not recorded', async () => {
    const f = recorded(null);
    const backend = new DemoBackend({ eventIntervalMs: 5 });
    const signOrder = await backend.startSigning(f.report_id, 'provider');
    await show({ backend, order: signOrder, demo: true, signerPhone: null, onretry: () => {}, onclose: () => {} });
    await wait(10);
    flushSync();
    expect(document.querySelector('.qr svg'), "the QR code Rust drew").not.toBeNull();
    expect(message()).toContain(f.flow.statuses.sv[0]?.message.text ?? '?');
    button('Avbryt i appen')?.click();
    await wait(10);
    flushSync();
    expect(document.querySelector('[role="alert"]')?.textContent, 'only what was recorded').toContain('spelades inte in');
  });
});
