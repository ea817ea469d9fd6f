import { describe, expect, it } from 'vitest';
import { signerPhone, telHref } from './phone';
import { DemoBackend } from './backend/demo';
import type { RegisterData } from './backend/types';

describe('signing over the phone: the number the coordinator calls', () => {
  it('makes a tel: link of a number as typed in the register', () => {
    expect(telHref('070-111 22 33'), 'spaces and dashes are for reading, not dialling').toBe('tel:0701112233');
    expect(telHref(' +46 70 111 22 33 '), 'an international number keeps its plus').toBe('tel:+46701112233');
  });

  it('offers no link when there is no number to call', () => {
    expect(telHref(null), 'no number stored: the dialog says so instead').toBeNull();
    expect(telHref('   '), 'a blank number is no number').toBeNull();
  });

  it("finds the assistant's number in the register, and none for the provider's signatory", async () => {
    const register: RegisterData = await new DemoBackend().register();
    const withPhone = register.assistants.find((a) => a.phone);
    const withoutPhone = register.assistants.find((a) => !a.phone);
    expect(withPhone, 'the demo has an assistant with a phone number').toBeDefined();
    expect(withoutPhone, 'and one without').toBeDefined();
    expect(signerPhone('assistant', withPhone?.id ?? '', register), 'the assistant who signs is the one called').toBe(
      withPhone?.phone,
    );
    expect(signerPhone('assistant', withoutPhone?.id ?? '', register), 'no number: the dialog must say so').toBeNull();
    expect(
      signerPhone('provider', withPhone?.id ?? '', register),
      "the signatory's number is not stored, so the assistant's must never be shown for them",
    ).toBeNull();
    expect(signerPhone('assistant', withPhone?.id ?? '', null), 'without the register no number is guessed').toBeNull();
  });
});
