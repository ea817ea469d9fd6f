import { describe, expect, it } from 'vitest';
import { COMMANDS } from './generated/ipc';
import { createTauriBackend, insideTauri, tauriIpc } from './tauri';

describe('Tauri backend against the generated command list', () => {
  it('invokes only commands the shell registers, and every Backend method has one', async () => {
    const invoked: string[] = [];
    const backend = createTauriBackend(
      async <T,>(cmd: string) => {
        invoked.push(cmd);
        return undefined as T;
      },
      async () => () => {},
    );
    for (const [name, method] of Object.entries(backend)) {
      if (name.startsWith('on')) continue; // subscriptions use events, not commands
      await (method as (...a: unknown[]) => Promise<unknown>)('x', 'y', 'z');
    }
    const registered = new Set<string>(COMMANDS);
    expect(invoked.filter((c) => !registered.has(c))).toEqual([]);
    // One command per method, except the confirmed deletions, the certificate file import and
    // the provider batch with a chosen signatory, which call the same command as their Backend
    // method with one more argument.
    const shared = new Set(['delete_person', 'delete_assistant', 'import_certificate', 'start_provider_batch']);
    const once = invoked.filter((c) => !shared.has(c));
    expect(new Set(once).size).toBe(once.length);
  });

  it('is chosen only inside the Tauri webview', () => {
    expect(insideTauri({})).toBe(false);
    expect(insideTauri({ __TAURI_INTERNALS__: {} })).toBe(true);
    expect(() => tauriIpc({})).toThrow(/not running inside Tauri/);
  });

  it('listens through the event plugin and unlistens with the id it got', async () => {
    const calls: [string, unknown][] = [];
    const internals = {
      invoke: async (cmd: string, args: unknown) => {
        calls.push([cmd, args]);
        return 7 as never;
      },
      transformCallback: () => 42,
    };
    const { listen } = tauriIpc({ __TAURI_INTERNALS__: internals });
    const stop = await listen('progress', () => {});
    stop();
    expect(calls).toEqual([
      ['plugin:event|listen', { event: 'progress', target: { kind: 'Any' }, handler: 42 }],
      ['plugin:event|unlisten', { event: 'progress', eventId: 7 }],
    ]);
  });
});
