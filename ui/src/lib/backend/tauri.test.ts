import { describe, expect, it } from 'vitest';
import { createTauriBackend, EVENTS, hasBankIdTestSetup, hasDesktopExtras, hasFkSetup } from './tauri';
import type { SignStatus } from './types';
import { DemoBackend } from './demo';

/** A Tauri backend whose commands are only recorded (name and arguments), answering nothing. */
function recordingBackend() {
  const calls: [string, unknown][] = [];
  const b = createTauriBackend(
    async <T,>(cmd: string, args?: Record<string, unknown>) => {
      calls.push([cmd, args]);
      return undefined as T;
    },
    async () => () => {},
  );
  return { calls, b };
}

describe('Tauri backend sketch', () => {
  it('maps methods to snake_case commands with camelCase arguments', async () => {
    const { calls, b } = recordingBackend();
    await b.commitImport('tok', [3]);
    await b.cancelImport('tok');
    await b.startSigning('r1', 'assistant');
    await b.startSigning('r1', 'assistant', 'user');
    await b.startProviderBatch('2026-10', 'rp');
    expect(calls).toEqual([
      ['commit_import', { fileToken: 'tok', skipRows: [3] }],
      ['cancel_import', { fileToken: 'tok' }],
      // Without a call the order starts with the QR code (callInitiator null in Rust's Option).
      ['start_signing', { reportId: 'r1', role: 'assistant', callInitiator: null }],
      // "Signera via telefonsamtal": who called whom goes to the shell as given.
      ['start_signing', { reportId: 'r1', role: 'assistant', callInitiator: 'user' }],
      ['start_provider_batch', { month: '2026-10', callInitiator: 'rp' }],
    ]);
  });

  it('deletes without confirmation first, and with it only through the confirmed variants', async () => {
    const { calls, b } = recordingBackend();
    await b.deletePerson('194001019802');
    await b.deletePersonConfirmed('194001019802');
    await b.deleteAssistant('199001010017');
    await b.deleteAssistantConfirmed('199001010017');
    expect(calls).toEqual([
      ['delete_person', { personnummer: '194001019802', confirmed: false }],
      ['delete_person', { personnummer: '194001019802', confirmed: true }],
      ['delete_assistant', { id: '199001010017', confirmed: false }],
      ['delete_assistant', { id: '199001010017', confirmed: true }],
    ]);
  });

  it('sends a certificate file as its name and bytes with the password', async () => {
    const { calls, b } = recordingBackend();
    expect(hasDesktopExtras(b)).toBe(true);
    expect(hasDesktopExtras(new DemoBackend()), 'the browser demo has no file import').toBe(false);
    const file = { file_name: 'fk.p12', content_base64: 'MII=' };
    await b.importCertificateFile('fk_client', file, 'hemligt');
    await b.importCertificateFile('fk_client', file, 'hemligt', 'inloggning');
    expect(calls).toEqual([
      ['import_certificate', { purpose: 'fk_client', file, password: 'hemligt' }],
      ['import_certificate', { purpose: 'fk_client', file, password: 'hemligt', keyChoice: 'inloggning' }],
    ]);
  });

  it('sends BankID’s test address, its CA file and the extra root, or null to go back to BankID’s own', async () => {
    const { calls, b } = recordingBackend();
    expect(hasBankIdTestSetup(b)).toBe(true);
    expect(hasBankIdTestSetup(new DemoBackend()), 'the browser demo has only its own BankID').toBe(false);
    const file = { file_name: 'bankid-ca.pem', content_base64: 'LS0t' };
    await b.setBankIdEndpoint('https://127.0.0.1:4711/rp/v6.0');
    await b.setBankIdEndpoint(null);
    await b.setBankIdServerCa(file);
    await b.setBankIdUserRoot(null);
    expect(calls).toEqual([
      ['set_bankid_endpoint', { endpoint: 'https://127.0.0.1:4711/rp/v6.0' }],
      ['set_bankid_endpoint', { endpoint: null }],
      ['set_bankid_server_ca', { file }],
      ['set_bankid_user_root', { file: null }],
    ]);
  });

  it('sends FK’s address and the trusted CA file with the environment they are for', async () => {
    const { calls, b } = recordingBackend();
    expect(hasFkSetup(b)).toBe(true);
    expect(hasFkSetup(new DemoBackend()), 'the browser demo never sends to FK').toBe(false);
    const file = { file_name: 'fk-ca.pem', content_base64: 'LS0t' };
    await b.setFkEndpoint('prod', 'https://fk.example:8020/x');
    await b.setFkEndpoint('prod', null);
    await b.setFkTrust('test', { kind: 'ca_file', file });
    await b.setFkTrust('prod', { kind: 'system_roots' });
    expect(calls).toEqual([
      ['set_fk_endpoint', { environment: 'prod', endpoint: 'https://fk.example:8020/x' }],
      ['set_fk_endpoint', { environment: 'prod', endpoint: null }],
      ['set_fk_trust', { environment: 'test', choice: { kind: 'ca_file', file } }],
      ['set_fk_trust', { environment: 'prod', choice: { kind: 'system_roots' } }],
    ]);
  });

  it('passes only the order’s own status events to a listener, the current status first', async () => {
    let handler: ((e: { payload: SignStatus }) => void) | null = null;
    const status = (ref: string): SignStatus => ({ order_ref: ref, status: 'pending', hint_code: null, message: { id: 'RFA1', text: '' }, signed_by: null, qr_done: false });
    const b = createTauriBackend(
      async <T,>(cmd: string, args?: Record<string, unknown>) => {
        // Events sent before the dialog listened are lost: it asks for the current status.
        expect(cmd).toBe('sign_status');
        return status(String(args?.orderRef)) as T;
      },
      async <T,>(event: string, h: (e: { payload: T }) => void) => {
        expect(event).toBe(EVENTS.signStatus);
        handler = h as unknown as (e: { payload: SignStatus }) => void;
        return () => {};
      },
    );
    const seen: string[] = [];
    await b.onSignStatus('A', (s) => seen.push(s.order_ref));
    await Promise.resolve();
    handler!({ payload: status('B') });
    handler!({ payload: status('A') });
    expect(seen).toEqual(['A', 'A']);
  });
});

describe('Tauri backend: single shifts of the month grid', () => {
  const input = {
    person: '195001012383',
    assistant: '199001012385',
    start: '2026-10-25T01:00',
    start_occurrence: null,
    end: '2026-10-25T02:30',
    end_occurrence: 'second' as const,
    kind: 'aktiv' as const,
    note: null,
  };

  it('adds, changes and deletes one shift by its stored id', async () => {
    const calls: [string, unknown][] = [];
    const b = createTauriBackend(
      async <T,>(cmd: string, args?: Record<string, unknown>) => {
        calls.push([cmd, args]);
        return (cmd === 'delete_shift' ? undefined : { id: '17' }) as T;
      },
      async () => () => {},
    );
    expect((await b.addShift(input)).id).toBe('17');
    await b.updateShift('17', { ...input, kind: 'vante' });
    await b.deleteShift('17');
    expect(calls).toEqual([
      ['add_shift', { shift: input }],
      ['update_shift', { id: '17', shift: { ...input, kind: 'vante' } }],
      ['delete_shift', { id: '17' }],
    ]);
  });

  it('passes a refusal on as {code, message}, so the grid can ask about an ambiguous time', async () => {
    const refusal = { code: 'time_ambiguous', message: 'Sluttiden 2026-10-25 02:30 inträffar två gånger …' };
    const b = createTauriBackend(
      async () => {
        throw refusal;
      },
      async () => () => {},
    );
    await expect(b.addShift({ ...input, end_occurrence: null })).rejects.toEqual(refusal);
  });
});
