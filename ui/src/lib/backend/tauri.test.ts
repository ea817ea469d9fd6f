import { describe, expect, it } from 'vitest';
import { createTauriBackend, EVENTS } from './tauri';
import type { SignStatus } from './types';

describe('Tauri backend sketch', () => {
  it('maps methods to snake_case commands with camelCase arguments', async () => {
    const calls: [string, unknown][] = [];
    const b = createTauriBackend(
      async <T,>(cmd: string, args?: Record<string, unknown>) => {
        calls.push([cmd, args]);
        return undefined as T;
      },
      async () => () => {},
    );
    await b.commitImport('tok', [3]);
    await b.startSigning('r1', 'assistant');
    expect(calls).toEqual([
      ['commit_import', { fileToken: 'tok', skipRows: [3] }],
      ['start_signing', { reportId: 'r1', role: 'assistant' }],
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
